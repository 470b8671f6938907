import { join } from 'node:path';
import { loadSnapshot } from '../../src/topology/snapshot.js';
import { ROOT } from './process.js';

// A valid scenario to break one thing at a time (the scenario-error tests and the bad-input suite).

export type Json = Record<string, unknown>;

/** The repository's 16-node generated snapshot and its node ids. */
export const SNAPSHOT_16 = join(ROOT, 'snapshots/generated-16.json');
export const IDS_16 = loadSnapshot(SNAPSHOT_16).ids;

/** A valid scenario: the 16-node snapshot, four chunks at node 0. */
export const validScenario = (): Json => ({
  pullsim: 1,
  name: 'bad',
  topology: { snapshot: SNAPSHOT_16 },
  events: [{ at: '0s', upload: { node: 0, chunks: 4 } }],
});

const HEX = '0123456789abcdef'.split('');
/** A hex prefix no id of the snapshot starts with. */
export const UNKNOWN_PREFIX = HEX.map((d) => `${d}f`).find((p) => !IDS_16.some((id) => id.startsWith(p)))!;
/** A hex prefix more than one id of the snapshot starts with. */
export const AMBIGUOUS_PREFIX = HEX.find((d) => IDS_16.filter((id) => id.startsWith(d)).length > 1)!;
