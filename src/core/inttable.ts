/**
 * A hash map from non-negative int32 keys to non-negative int32 values in one Int32Array: open addressing
 * with linear probing over [key, value] pairs, Fibonacci hashing, at most 3/4 full. It replaces a `Map` or
 * `Set` of chunk ids where there is one per node (a store's index, a recorder's holders): a `Map` entry
 * costs 30-40 bytes and a garbage-collected table, an entry here 8 bytes / load (about 14).
 *
 * Iteration (`forEach`) is in slot order, not insertion order: use it only where order does not matter.
 */
export class IntTable {
  /** [key, value] pairs; key EMPTY or DELETED marks a free pair */
  private data: Int32Array;
  private bits: number;
  /** live keys */
  size = 0;
  /** live + deleted pairs (deleted ones still lengthen probes until the next resize) */
  private filled = 0;

  constructor(capacity = 8) {
    this.bits = 3;
    while (1 << this.bits < capacity) this.bits++;
    this.data = new Int32Array(2 << this.bits).fill(EMPTY);
  }

  /** The value of `key`, or -1 when absent. */
  get(key: number): number {
    const d = this.data;
    const mask = (1 << this.bits) - 1;
    for (let i = hash(key, this.bits); ; i = (i + 1) & mask) {
      const k = d[2 * i]!;
      if (k === key) return d[2 * i + 1]!;
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

  private put(key: number, value: number, overwrite: boolean): number {
    if (!(key >= 0 && value >= 0)) throw new Error(`assertion failed: IntTable keys and values are non-negative (${key}, ${value})`);
    const d = this.data;
    const mask = (1 << this.bits) - 1;
    let free = -1;
    for (let i = hash(key, this.bits); ; i = (i + 1) & mask) {
      const k = d[2 * i]!;
      if (k === key) {
        const old = d[2 * i + 1]!;
        if (overwrite) d[2 * i + 1] = value;
        return old;
      }
      if (k === DELETED && free < 0) free = i;
      if (k === EMPTY) {
        if (free < 0) {
          free = i;
          this.filled++;
        }
        d[2 * free] = key;
        d[2 * free + 1] = value;
        this.size++;
        if (this.filled * 4 > 3 << this.bits) this.resize();
        return -1;
      }
    }
  }

  /** Removes `key`; returns its value, or -1 when it was absent. */
  delete(key: number): number {
    const d = this.data;
    const mask = (1 << this.bits) - 1;
    for (let i = hash(key, this.bits); ; i = (i + 1) & mask) {
      const k = d[2 * i]!;
      if (k === key) {
        d[2 * i] = DELETED;
        this.size--;
        return d[2 * i + 1]!;
      }
      if (k === EMPTY) return -1;
    }
  }

  /** Every (key, value), in slot order. */
  forEach(f: (key: number, value: number) => void): void {
    const d = this.data;
    for (let i = 0; i < d.length; i += 2) if (d[i]! >= 0) f(d[i]!, d[i + 1]!);
  }

  /** Doubles the capacity (or rebuilds at the same size when mostly deleted pairs filled it). */
  private resize(): void {
    const old = this.data;
    if (this.size * 2 > this.filled) this.bits++;
    this.data = new Int32Array(2 << this.bits).fill(EMPTY);
    this.size = 0;
    this.filled = 0;
    for (let i = 0; i < old.length; i += 2) if (old[i]! >= 0) this.put(old[i]!, old[i + 1]!, false);
  }
}

const EMPTY = -1;
const DELETED = -2;

/** Fibonacci hashing: the top `bits` bits of key * 2^32/phi. */
function hash(key: number, bits: number): number {
  return Math.imul(key, 0x9e3779b1) >>> (32 - bits);
}
