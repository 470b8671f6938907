import type { Int32Arena } from './arena.js';

const EMPTY = new Int32Array(0);

/**
 * A growable list of int32 in blocks of an Int32Arena (doubling from 8): 4 bytes an entry where a JS array
 * takes 8, and growing allocates no ArrayBuffer. Without an arena it grows typed arrays of its own.
 * A store's bin and the discipline checker's copy of it are one each per (node, bin): a 10k-node run keeps
 * tens of millions of entries in 170k of them (docs/bench.md).
 */
export class Int32List {
  /** entries at mem[base .. base + length) */
  private mem: Int32Array = EMPTY;
  private base = 0;
  private handle = -1;
  private k = -1;
  length = 0;

  constructor(private readonly arena: Int32Arena | undefined) {}

  get(i: number): number {
    return this.mem[this.base + i]!;
  }

  set(i: number, v: number): void {
    this.mem[this.base + i] = v;
  }

  push(v: number): void {
    if (this.length === (this.k < 0 ? 0 : 1 << this.k)) this.grow();
    this.mem[this.base + this.length++] = v;
  }

  /** The first index in [from, to] (clamped to the list) holding `v`, or -1. */
  indexOf(v: number, from: number, to: number): number {
    const mem = this.mem;
    const end = this.base + Math.min(to, this.length - 1);
    for (let i = this.base + Math.max(0, from); i <= end; i++) if (mem[i] === v) return i - this.base;
    return -1;
  }

  private grow(): void {
    const k = Math.max(3, this.k + 1);
    const old = this.mem.subarray(this.base, this.base + this.length);
    const a = this.arena;
    if (a) {
      const h = a.alloc(k);
      const mem = a.slab(h);
      mem.set(old, a.offset(h));
      if (this.handle >= 0) a.release(this.handle, this.k);
      this.mem = mem;
      this.base = a.offset(h);
      this.handle = h;
    } else {
      const mem = new Int32Array(1 << k);
      mem.set(old);
      this.mem = mem;
      this.base = 0;
    }
    this.k = k;
  }
}
