import type { Int32Arena } from './arena.js';

const EMPTY = new Int32Array(0);

/**
 * A block of 2^k ints that moves to a larger one as it grows: in an Int32Arena (no ArrayBuffer per step, the old
 * block given back), or without one in typed arrays of its own. The int lists and bit sets of every node sit on
 * one (a 10k-node run has hundreds of thousands); they read `mem[base + i]` directly.
 */
export abstract class IntBlock {
  /** the block is mem[base .. base + capacity) */
  protected mem: Int32Array = EMPTY;
  protected base = 0;
  /** 2^k ints, 0 before the first growth */
  protected capacity = 0;
  private handle = -1;
  private k = -1;

  constructor(private readonly arena: Int32Arena | undefined) {}

  /** Moves the first `keep` ints to a block of at least `need` ints (doubling from 8); the rest of it is zero. */
  protected growTo(need: number, keep: number): void {
    let k = Math.max(3, this.k + 1);
    while (1 << k < need) k++;
    const old = this.mem.subarray(this.base, this.base + keep);
    const a = this.arena;
    if (a) {
      const h = a.alloc(k);
      const mem = a.slab(h);
      const base = a.offset(h);
      mem.set(old, base);
      mem.fill(0, base + keep, base + (1 << k));
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
    this.k = k;
    this.capacity = 1 << k;
  }
}
