import type { Micros } from './units.js';

/**
 * A binary min-heap of events ordered by (time, insertion sequence), stored as a struct of typed arrays
 * with recycled slots: pushing and popping allocate nothing once the arrays have grown.
 * An event is a kind (small integer), three integer arguments and an optional payload reference.
 * `pop()` loads the event into the public registers `time/kind/a/b/c/payload`.
 */
export class EventQueue {
  private cap: number;
  private times: Float64Array;
  private seqs: Float64Array;
  private kinds: Int32Array;
  private as: Int32Array;
  private bs: Int32Array;
  private cs: Float64Array;
  private payloads: unknown[];
  private heap: Int32Array;
  private free: Int32Array;
  private freeTop = 0;
  private used = 0;
  private nextSeq = 0;
  size = 0;

  time: Micros = 0;
  seq = 0;
  kind = 0;
  a = 0;
  b = 0;
  c = 0;
  payload: unknown = undefined;

  constructor(initial = 1024) {
    this.cap = initial;
    this.times = new Float64Array(initial);
    this.seqs = new Float64Array(initial);
    this.kinds = new Int32Array(initial);
    this.as = new Int32Array(initial);
    this.bs = new Int32Array(initial);
    this.cs = new Float64Array(initial);
    this.payloads = new Array<unknown>(initial).fill(undefined);
    this.heap = new Int32Array(initial);
    this.free = new Int32Array(initial);
  }

  push(time: Micros, kind: number, a: number, b: number, c: number, payload?: unknown): void {
    let slot: number;
    if (this.freeTop > 0) slot = this.free[--this.freeTop]!;
    else {
      if (this.used === this.cap) this.grow();
      slot = this.used++;
    }
    this.times[slot] = time;
    this.seqs[slot] = this.nextSeq++;
    this.kinds[slot] = kind;
    this.as[slot] = a;
    this.bs[slot] = b;
    this.cs[slot] = c;
    this.payloads[slot] = payload;
    this.siftUp(this.size++, slot);
  }

  /** Removes the earliest event into the registers; false when empty. */
  pop(): boolean {
    if (this.size === 0) return false;
    const heap = this.heap;
    const slot = heap[0]!;
    this.time = this.times[slot]!;
    this.seq = this.seqs[slot]!;
    this.kind = this.kinds[slot]!;
    this.a = this.as[slot]!;
    this.b = this.bs[slot]!;
    this.c = this.cs[slot]!;
    this.payload = this.payloads[slot];
    this.payloads[slot] = undefined;
    this.free[this.freeTop++] = slot;
    const last = heap[--this.size]!;
    if (this.size > 0) this.siftDown(0, last);
    return true;
  }

  /** Time of the earliest event, or Infinity. */
  peekTime(): Micros {
    return this.size === 0 ? Infinity : this.times[this.heap[0]!]!;
  }

  private less(x: number, y: number): boolean {
    const tx = this.times[x]!;
    const ty = this.times[y]!;
    return tx < ty || (tx === ty && this.seqs[x]! < this.seqs[y]!);
  }

  private siftUp(pos: number, slot: number): void {
    const heap = this.heap;
    while (pos > 0) {
      const parent = (pos - 1) >> 1;
      const p = heap[parent]!;
      if (!this.less(slot, p)) break;
      heap[pos] = p;
      pos = parent;
    }
    heap[pos] = slot;
  }

  private siftDown(pos: number, slot: number): void {
    const heap = this.heap;
    const n = this.size;
    for (;;) {
      let child = 2 * pos + 1;
      if (child >= n) break;
      const right = child + 1;
      if (right < n && this.less(heap[right]!, heap[child]!)) child = right;
      const c = heap[child]!;
      if (!this.less(c, slot)) break;
      heap[pos] = c;
      pos = child;
    }
    heap[pos] = slot;
  }

  private grow(): void {
    const cap = this.cap * 2;
    const f64 = (old: Float64Array) => {
      const x = new Float64Array(cap);
      x.set(old);
      return x;
    };
    const i32 = (old: Int32Array) => {
      const x = new Int32Array(cap);
      x.set(old);
      return x;
    };
    this.times = f64(this.times);
    this.seqs = f64(this.seqs);
    this.cs = f64(this.cs);
    this.kinds = i32(this.kinds);
    this.as = i32(this.as);
    this.bs = i32(this.bs);
    this.heap = i32(this.heap);
    this.free = i32(this.free);
    for (let i = this.cap; i < cap; i++) this.payloads.push(undefined);
    this.cap = cap;
  }
}
