import { IntBlock } from './intblock.js';

/**
 * A growable set of non-negative integers as bits in Int32 words of an Int32Arena (doubling from 8 words;
 * without an arena, typed arrays of its own). A store's "do I hold chunk c" over dense chunk ids: one word
 * read, where a hash table probes a run of pairs 16 times the size (a 10k-node run asks it for every offered
 * hash, about a hundred million times: docs/bench.md).
 */
export class BitSet extends IntBlock {
  has(i: number): boolean {
    const w = i >>> 5;
    return w < this.capacity && (this.mem[this.base + w]! & (1 << (i & 31))) !== 0;
  }

  /** Adds i; false when it was already there. */
  add(i: number): boolean {
    const w = i >>> 5;
    if (w >= this.capacity) this.growTo(w + 1, this.capacity);
    const at = this.base + w;
    const bit = 1 << (i & 31);
    const x = this.mem[at]!;
    if ((x & bit) !== 0) return false;
    this.mem[at] = x | bit;
    return true;
  }

  /** Removes i; false when it was not there. */
  delete(i: number): boolean {
    const w = i >>> 5;
    if (!this.has(i)) return false;
    this.mem[this.base + w]! &= ~(1 << (i & 31));
    return true;
  }
}
