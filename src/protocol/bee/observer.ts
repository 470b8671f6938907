import type { Micros } from '../../core/units.js';

/** Why a chunk left a reserve. */
export type RemoveCause =
  /** the reserve worker evicted it (over capacity, bins below the radius) */
  | 'evicted'
  /** its batch expired at this node */
  | 'expired'
  /** a fault removed it (index and data) */
  | 'removed'
  /** a fault lost its data while the reserve's index still lists it (the state issue 4337 describes) */
  | 'lost'
  /** the node was wiped */
  | 'wiped';

/** Why a node's storage radius changed. */
export type RadiusCause =
  /** warm-up ended: the stored radius, or the network's (salud) when the stored one is at the minimum */
  | 'warmup'
  /** over capacity, eviction below the radius did not reach the target (unreserve) */
  | 'overflow'
  /** the reserve worker: under half capacity within the radius and no historical sync in the rate window */
  | 'idle'
  /** the node was wiped (the stored radius is gone) */
  | 'wiped';

/**
 * The facts of a Bee node the world passes on to its observers; the checker never reads them from the node's
 * objects. Each is a plain callback the world wires at construction.
 */
export interface BeeObserver {
  /** a chunk entered the reserve under a new bin ID */
  stored(node: number, chunk: number, bin: number, binId: number): void;
  removed(node: number, chunk: number, cause: RemoveCause): void;
  radius(node: number, radius: number, time: Micros, cause: RadiusCause): void;
  /** warm-up ended and the puller started */
  warmedUp?(node: number, time: Micros): void;
  /** the node saw a postage batch expire: its chunks go, and validStamp refuses the batch from now on */
  expired?(node: number, batch: number, time: Micros): void;
}
