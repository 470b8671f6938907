import type { Int32Arena } from './arena.js';

const EMPTY = new Int32Array(0);

/**
 * A growable set of non-negative integers as bits in Int32 words of an Int32Arena (doubling from 8 words;
 * without an arena, typed arrays of its own). A store's "do I hold chunk c" over dense chunk ids: one word
 * read, where a hash table probes a run of pairs 16 times the size (a 10k-node run asks it for every offered
 * hash, about a hundred million times: docs/bench.md).
 */
export class BitSet {
  private mem: Int32Array = EMPTY;
  private base = 0;
  /** words in the block (0 before the first add) */
  private words = 0;
  private handle = -1;
  private k = -1;

  constructor(private readonly arena: Int32Arena | undefined) {}

  has(i: number): boolean {
    const w = i >>> 5;
    return w < this.words && (this.mem[this.base + w]! & (1 << (i & 31))) !== 0;
  }

  /** Adds i; false when it was already there. */
  add(i: number): boolean {
    const w = i >>> 5;
    if (w >= this.words) this.grow(w);
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

  /** Makes room for word w (new words are zero). */
  private grow(w: number): void {
    let k = Math.max(3, this.k + 1);
    while (1 << k <= w) k++;
    const old = this.mem.subarray(this.base, this.base + this.words);
    const a = this.arena;
    if (a) {
      const h = a.alloc(k);
      const mem = a.slab(h);
      const base = a.offset(h);
      mem.set(old, base);
      mem.fill(0, base + old.length, base + (1 << k));
      if (this.handle >= 0) a.release(this.handle, this.k);
      this.mem = mem;
      this.base = base;
      this.handle = h;
    } else {
      const mem = new Int32Array(1 << k);
      mem.set(old);
      this.mem = mem;
      this.base = 0;
    }
    this.words = 1 << k;
    this.k = k;
  }
}
