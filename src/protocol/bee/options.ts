import { SECOND, type Micros } from '../../core/units.js';

const MINUTE = 60 * SECOND;

/**
 * Re-introduced bugs of Bee (docs/bee.md, "Mutants"), off by default; each name is a switch in the code path
 * it changes. Numbers are the issue or pull request of ethersphere/bee that the name is known by.
 *   bee-3700: peers chosen by Kademlia depth, bins >= radius from each; the client wants all it lacks (issue 3700)
 *   bee-3643: no first recalculation and no 5 min ticker, only topology signals after the puller starts (PR 3643)
 *   bee-4290: the puller ignores the Ack's epoch: a wiped peer's intervals are never reset (PR 4290)
 *   bee-4337: a wanted chunk the server cannot read aborts the exchange (stream reset) (issue 4337, PR 4339)
 *   bee-4443: cursors fetched one peer at a time, each waiting for the previous (issue 4442, PR 4443)
 *   bee-3444: a Sync that returns an error ends its worker for good (issue 3445, PR 3444)
 */
export const BEE_MUTANTS = ['bee-3700', 'bee-3643', 'bee-4290', 'bee-4337', 'bee-4443', 'bee-3444'] as const;
export type BeeMutant = (typeof BEE_MUTANTS)[number];

/** Every Bee parameter, with Bee's values as defaults except where a note says why not (see `beeDefaults`). */
export interface BeeOptions {
  /** pullsync.DefaultMaxPage: entries per Offer */
  maxPage: number;
  /** pullsync pageTimeout: after the first chunk of a page, the wait for each further one */
  pageTimeout: Micros;
  /** pullsync handleMaxChunksPerSecond: the server's per-peer rate limit (burst = maxPage) */
  serverRate: number;
  /** puller maxChunksPerSecond: the client's node-wide limiter (burst the same) */
  clientRate: number;
  /** puller recalcPeersDur */
  recalcPeersDur: Micros;
  /** puller maxPODelta: a peer this far below the radius still syncs its own PO bin */
  maxPODelta: number;
  /** puller DefaultHistRateWindow: the window of the historical sync rate */
  histRateWindow: Micros;
  /** reserve capacity in chunks (Bee: storer.DefaultReserveCapacity = 2^22; here 2^12, see docs/bee.md) */
  capacity: number;
  /** node reserveMinEvictCount (Bee: 1000 at 2^22 chunks; scaled with the capacity) */
  minEvictCount: number;
  /** node reserveWakeUpDuration: how often the reserve worker checks whether to lower the radius */
  wakeupDuration: Micros;
  /** --minimum-storage-radius */
  minimumRadius: number;
  /** the radius the status protocol (salud) reports for the network when warm-up ends */
  networkRadius: number;
  /** --warmup-time: the stabilisation detector gives up waiting for a steady rate after this long */
  warmupTime: Micros;
  /** the stabilisation detector of node.go: period length, periods compared, extra periods, stdev bound */
  stabilizationPeriod: Micros;
  stabilizationPeriods: number;
  stabilizationMinimumPeriods: number;
  stabilizationFactor: number;
  /** for the connection-based Kademlia depth (src/protocol/kademlia.ts), which only bee-3700 reads */
  neighbourhoodSize: number;
  mutants: BeeMutant[];
}

export function beeDefaults(): BeeOptions {
  return {
    maxPage: 250,
    pageTimeout: SECOND,
    serverRate: 250,
    clientRate: 1000,
    recalcPeersDur: 5 * MINUTE,
    maxPODelta: 2,
    histRateWindow: 15 * MINUTE,
    capacity: 4096,
    minEvictCount: 1,
    wakeupDuration: 15 * MINUTE,
    minimumRadius: 0,
    networkRadius: 0,
    warmupTime: 5 * MINUTE,
    stabilizationPeriod: 2 * SECOND,
    stabilizationPeriods: 5,
    stabilizationMinimumPeriods: 2,
    stabilizationFactor: 3,
    neighbourhoodSize: 2,
    mutants: [],
  };
}
