import type { Micros } from '../../core/units.js';
import type { DropReason, Timed } from '../env.js';
import type { BeeMessage } from './messages.js';

/** Everything non-deterministic a Bee node may touch: src/protocol/env.ts's Env with Bee's messages. */
export interface BeeEnv {
  now(): Micros;
  /** the network decides when (and whether) it arrives; `link` is the connection's handle from connect */
  send(from: number, to: number, msg: BeeMessage, link?: unknown): void;
  /** schedules `rec.fire(token, arg)` after `delay`; a record cancels by changing its token */
  after(delay: Micros, rec: Timed, token: number, arg?: number): void;
  /** schedules `rec.fire(token, arg)` at virtual time `time` (>= now) */
  at(time: Micros, rec: Timed, token: number, arg?: number): void;
  /** drops the connection between two nodes (both sides see the peer go) */
  drop(node: number, peer: number, reason: DropReason): void;
}
