import type { Int32Arena } from '../core/arena.js';

/** Watches a node's store: the simulator's independent record of what was stored and removed. */
export interface StoreObserver {
  stored(node: number, chunk: number, bin: number, binId: number): void;
  removed(node: number, chunk: number): void;
}

/**
 * The first 32-bit word of every chunk address, by chunk id (the array may be replaced as it grows), and the
 * world's memory arena the stores keep their tables in (optional: a store without one uses typed arrays).
 */
export interface ChunkHeads {
  heads: Uint32Array;
  readonly arena?: Int32Arena;
  /** each chunk's postage batch, by chunk id (Bee reads it; absent, or shorter than `heads`: batch 0) */
  batches?: Int32Array;
}
