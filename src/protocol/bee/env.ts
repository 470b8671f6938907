import type { Env } from '../env.js';
import type { BeeMessage } from './messages.js';

/** Everything non-deterministic a Bee node may touch: src/protocol/env.ts's Env with Bee's messages. */
export type BeeEnv = Env<BeeMessage>;
