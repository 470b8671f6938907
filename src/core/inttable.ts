import type { Int32Arena } from './arena.js';

/**
 * A hash map from non-negative int32 keys to non-negative int32 values in one Int32Array: open addressing
 * with linear probing over [key, value] pairs, Fibonacci hashing, at most 3/4 full. It replaces a `Map` or
 * `Set` of chunk ids where there is one per node (a store's index, a recorder's holders): a `Map` entry
 * costs 30-40 bytes and a garbage-collected table, an entry here 8 bytes / load (about 14).
 *
 * With an arena the pairs live in arena blocks (recycled as tables grow); without one, in a typed array of
 * the table's own. Iteration (`forEach`) is in slot order, not insertion order: use it only where order does
 * not matter.
 */
export class IntTable {
  /** [key, value] pairs at mem[base ..]; key EMPTY or DELETED marks a free pair */
  private mem: Int32Array;
  private base = 0;
  /** the arena block holding the pairs, or -1 */
  private handle = -1;
  private bits = 3;
  /** live keys */
  size = 0;
  /** live + deleted pairs (deleted ones still lengthen probes until the next resize) */
  private filled = 0;

  constructor(private readonly arena?: Int32Arena) {
    this.mem = this.allocate(this.bits);
  }

  /** The value of `key`, or -1 when absent. */
  get(key: number): number {
    const d = this.mem;
    const base = this.base;
    const mask = (1 << this.bits) - 1;
    for (let i = hash(key, this.bits); ; i = (i + 1) & mask) {
      const k = d[base + 2 * i]!;
      if (k === key) return d[base + 2 * i + 1]!;
      if (k === EMPTY) return -1;
    }
  }

  has(key: number): boolean {
    return this.get(key) >= 0;
  }

  /** Sets `key` to `value` (>= 0); returns the previous value, or -1 when the key is new. */
  set(key: number, value: number): number {
    return this.put(key, value, true);
  }

  /** Adds `key` with `value` (>= 0) unless present; returns the value it already had, or -1 when added. */
  add(key: number, value: number): number {
    return this.put(key, value, false);
  }

  /** Removes `key`; returns its value, or -1 when it was absent. */
  delete(key: number): number {
    const d = this.mem;
    const base = this.base;
    const mask = (1 << this.bits) - 1;
    for (let i = hash(key, this.bits); ; i = (i + 1) & mask) {
      const k = d[base + 2 * i]!;
      if (k === key) {
        d[base + 2 * i] = DELETED;
        this.size--;
        return d[base + 2 * i + 1]!;
      }
      if (k === EMPTY) return -1;
    }
  }

  /** Every (key, value), in slot order. */
  forEach(f: (key: number, value: number) => void): void {
    const d = this.mem;
    const end = this.base + (2 << this.bits);
    for (let i = this.base; i < end; i += 2) if (d[i]! >= 0) f(d[i]!, d[i + 1]!);
  }

  private put(key: number, value: number, overwrite: boolean): number {
    if (!(key >= 0 && value >= 0)) throw new Error(`assertion failed: IntTable keys and values are non-negative (${key}, ${value})`);
    const d = this.mem;
    const base = this.base;
    const mask = (1 << this.bits) - 1;
    let free = -1;
    for (let i = hash(key, this.bits); ; i = (i + 1) & mask) {
      const k = d[base + 2 * i]!;
      if (k === key) {
        const old = d[base + 2 * i + 1]!;
        if (overwrite) d[base + 2 * i + 1] = value;
        return old;
      }
      if (k === DELETED && free < 0) free = i;
      if (k === EMPTY) {
        if (free < 0) {
          free = i;
          this.filled++;
        }
        d[base + 2 * free] = key;
        d[base + 2 * free + 1] = value;
        this.size++;
        if (this.filled * 4 > 3 << this.bits) this.resize();
        return -1;
      }
    }
  }

  /** Doubles the capacity (or rebuilds at the same size when mostly deleted pairs filled it). */
  private resize(): void {
    const old = this.mem;
    const oldBase = this.base;
    const oldEnd = oldBase + (2 << this.bits);
    const oldHandle = this.handle;
    const oldBits = this.bits;
    if (this.size * 2 > this.filled) this.bits++;
    const d = (this.mem = this.allocate(this.bits));
    const base = this.base;
    const mask = (1 << this.bits) - 1;
    this.filled = this.size;
    for (let j = oldBase; j < oldEnd; j += 2) {
      const key = old[j]!;
      if (key < 0) continue;
      let i = hash(key, this.bits);
      while (d[base + 2 * i] !== EMPTY) i = (i + 1) & mask;
      d[base + 2 * i] = key;
      d[base + 2 * i + 1] = old[j + 1]!;
    }
    if (oldHandle >= 0) this.arena!.release(oldHandle, oldBits + 1);
  }

  /** Storage for 2^bits pairs, all empty; sets base and handle. */
  private allocate(bits: number): Int32Array {
    const ints = 2 << bits;
    if (!this.arena) {
      this.base = 0;
      return new Int32Array(ints).fill(EMPTY);
    }
    this.handle = this.arena.alloc(bits + 1);
    this.base = this.arena.offset(this.handle);
    const mem = this.arena.slab(this.handle);
    mem.fill(EMPTY, this.base, this.base + ints);
    return mem;
  }
}

const EMPTY = -1;
const DELETED = -2;

/** Fibonacci hashing: the top `bits` bits of key * 2^32/phi. */
function hash(key: number, bits: number): number {
  return Math.imul(key, 0x9e3779b1) >>> (32 - bits);
}
