import { Int32List } from '../../core/int32list.js';
import { BitSet } from '../../core/bitset.js';
import { MAX_PO, po16 } from '../../topology/address.js';
import type { ChunkHeads, StoreObserver } from '../chunks.js';

export type { ChunkHeads, StoreObserver };

export const BINS = MAX_PO + 1;

/**
 * One bin of the pull index: binId -> chunk (binId = position + 1, -1 where removed), in Int32 memory (a
 * 10k-node run stores tens of millions of chunks), and the cursor.
 */
class Bin extends Int32List {
  cursor = 0;
}

/**
 * A node's localstore pull index (PROTOCOL.md §3): 17 bins by capped PO to the node, per-bin IDs from 1,
 * a cursor at the highest present ID, history reads by ID and removal that leaves permanent gaps.
 * Chunks are integer ids; `chunks.heads[c]` is the first 32-bit word of chunk c's address.
 */
export class Localstore {
  private readonly bins: Bin[];
  /**
   * the chunks held, as bits by chunk id (chunk ids are dense): a 10k-node run keeps tens of millions and asks
   * about a hundred million times (docs/bench.md). A chunk's bin ID is found in its bin when it is removed.
   */
  private readonly held: BitSet;
  size = 0;

  constructor(
    readonly node: number,
    readonly head: number,
    private readonly chunks: ChunkHeads,
    private readonly observer: StoreObserver | undefined,
  ) {
    this.bins = Array.from({ length: BINS }, () => new Bin(chunks.arena));
    this.held = new BitSet(chunks.arena);
  }

  binOf(chunk: number): number {
    return po16(this.head, this.chunks.heads[chunk]!);
  }

  has(chunk: number): boolean {
    return this.held.has(chunk);
  }

  /** Stores a chunk; returns its new bin ID, or 0 when it was already present (no new ID). */
  put(chunk: number): number {
    const bin = this.binOf(chunk);
    const b = this.bins[bin]!;
    const id = b.length + 1;
    if (!this.held.add(chunk)) return 0;
    b.push(chunk);
    b.cursor = id;
    this.size++;
    this.observer?.stored(this.node, chunk, bin, id);
    return id;
  }

  /** Removes a chunk from the pull index; its ID stays used (a gap). */
  remove(chunk: number): boolean {
    if (!this.held.delete(chunk)) return false;
    const b = this.bins[this.binOf(chunk)]!;
    const id = b.indexOf(chunk, 0, b.length - 1) + 1;
    if (id === 0) throw new Error(`assertion failed: node ${this.node} holds chunk ${chunk} but not in bin ${this.binOf(chunk)}`);
    b.set(id - 1, -1);
    this.size--;
    while (b.cursor > 0 && b.get(b.cursor - 1) === -1) b.cursor--;
    this.observer?.removed(this.node, chunk);
    return true;
  }

  /** LastPullSubscriptionBinID: the largest bin ID present, 0 if the bin is empty. */
  cursor(bin: number): number {
    return this.bins[bin]!.cursor;
  }

  /** The counter: the last bin ID ever assigned in the bin. */
  lastId(bin: number): number {
    return this.bins[bin]!.length;
  }

  /** The chunk at a bin ID, or -1 for a gap or an ID not yet assigned. */
  at(bin: number, id: number): number {
    const b = this.bins[bin]!;
    return id >= 1 && id <= b.length ? b.get(id - 1) : -1;
  }

  /** All chunks present, bin by bin in ID order. */
  list(): number[] {
    const out: number[] = [];
    for (const b of this.bins) for (let i = 0; i < b.length; i++) if (b.get(i) >= 0) out.push(b.get(i));
    return out;
  }
}
