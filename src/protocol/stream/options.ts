import { MS, SECOND, type Micros } from '../../core/units.js';

/** Which Go client the protocol behaves like (PROTOCOL.md §0.1). */
export type ProtocolVersion = 'head' | 'pr1538';

/**
 * Re-introduced bugs of the Go client (PROTOCOL.md §10), off by default. Each name is a switch in the code
 * path it changes.
 */
export const MUTANTS = ['B1', 'B2', '1952', '2095', '2107', '2113', 'L3', '1972'] as const;
/**
 * Mutants no Go version had, for showing that a test can fail (not accepted in scenario files or by --mutant):
 *   resubscribeFirstBin: on a depth change the syncer asks for the cursor of only the first newly wanted bin
 *   (test/go-cursors.test.ts).
 */
export const TEST_MUTANTS = ['resubscribeFirstBin'] as const;
export type Mutant = (typeof MUTANTS)[number] | (typeof TEST_MUTANTS)[number];

/**
 * Latent defects still present in the Go client at HEAD (PROTOCOL.md §10.3). The faithful protocol has them;
 * each can be switched off to see what the fix would change.
 *   L1: the server's open-range guard is not cleared after an empty OfferedHashes.
 *   L2: the client's open-range guard is left behind when an offer arrives for, or a batch times out on,
 *       a stream that is no longer wanted.
 *   L6: the sync provider's cache keeps a chunk it put or served after the chunk was removed from the store:
 *       NeedData says "have" (it is not synced again), and the server's fetch still delivers it (§13).
 *       Fixed, a removal would take the chunk out of the cache for both.
 */
export const LATENT_DEFECTS = ['L1', 'L2', 'L6'] as const;
export type LatentDefect = (typeof LATENT_DEFECTS)[number];

/** Every protocol parameter, with the Go client's values as defaults (see `protocolDefaults`). */
export interface ProtocolOptions {
  version: ProtocolVersion;
  /** hashes per OfferedHashes (server ignores the client's GetRange.BatchSize) */
  batchSize: number;
  /** chunks per ChunkDelivery frame */
  frameSize: number;
  /** server: end a batch this long after the most recent collected hash */
  serverBatchTimeout: Micros;
  /** client: wait this long for all wanted chunks of a batch */
  clientBatchTimeout: Micros;
  /** delay before a new peer's first subscription computation */
  syncInitBackoff: Micros;
  neighbourhoodSize: number;
  syncWithinDepthOnly: boolean;
  /** false: the spec's roundtrip-off mode (server pushes chunks in order, then BatchDone; no offer/want) */
  roundtrip: boolean;
  /** the spec's StreamState: a refused GetRange is answered instead of silently ignored */
  streamState: boolean;
  /** size of the NeedData LRU ("recently put or served" counts as have) */
  needDataCache: number;
  /** a fix the Go code never had: a chunk already wanted from one peer is not wanted from another */
  dedupInFlight: boolean;
  autostart: boolean;
  latentDefects: LatentDefect[];
  mutants: Mutant[];
}

export function protocolDefaults(version: ProtocolVersion = 'head'): ProtocolOptions {
  const pr = version === 'pr1538';
  return {
    version,
    batchSize: pr ? 128 : 64,
    frameSize: pr ? 32 : 16,
    serverBatchTimeout: pr ? 1 * SECOND : 2 * SECOND,
    clientBatchTimeout: pr ? 20 * SECOND : 10 * SECOND,
    syncInitBackoff: 500 * MS,
    neighbourhoodSize: 2,
    syncWithinDepthOnly: false,
    roundtrip: true,
    streamState: false,
    needDataCache: 10_000,
    dedupInFlight: false,
    autostart: true,
    latentDefects: ['L1', 'L2', 'L6'],
    mutants: [],
  };
}
