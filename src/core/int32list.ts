import { IntBlock } from './intblock.js';

/**
 * A growable list of int32 in blocks of an Int32Arena (doubling from 8): 4 bytes an entry where a JS array
 * takes 8, and growing allocates no ArrayBuffer. Without an arena it grows typed arrays of its own.
 * A store's bin and the discipline checker's copy of it are one each per (node, bin): a 10k-node run keeps
 * tens of millions of entries in 170k of them (docs/bench.md).
 */
export class Int32List extends IntBlock {
  /** entries at mem[base .. base + length) */
  length = 0;

  get(i: number): number {
    return this.mem[this.base + i]!;
  }

  set(i: number, v: number): void {
    this.mem[this.base + i] = v;
  }

  push(v: number): void {
    if (this.length === this.capacity) this.growTo(this.length + 1, this.length);
    this.mem[this.base + this.length++] = v;
  }

  /** The first index in [from, to] (clamped to the list) holding `v`, or -1. */
  indexOf(v: number, from: number, to: number): number {
    const mem = this.mem;
    const end = this.base + Math.min(to, this.length - 1);
    for (let i = this.base + Math.max(0, from); i <= end; i++) if (mem[i] === v) return i - this.base;
    return -1;
  }
}
