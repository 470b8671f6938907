import type { Micros } from './units.js';

/** FIFO lanes a queue keeps besides its heap (one per distinct timer delay; see `addLane`). */
const MAX_LANES = 8;

/**
 * A sorted FIFO of event slots: a ring buffer. Every event pushed with one fixed delay arrives in
 * (time, sequence) order, because the clock never goes back and sequence numbers only grow, so such events
 * need no heap: appending keeps the lane sorted, and its head is its earliest event.
 */
class Lane {
  slots = new Int32Array(64);
  head = 0;
  count = 0;
  lastTime = -Infinity;

  push(slot: number, time: Micros): void {
    if (this.count === this.slots.length) {
      const bigger = new Int32Array(this.slots.length * 2);
      for (let i = 0; i < this.count; i++) bigger[i] = this.slots[(this.head + i) & (this.slots.length - 1)]!;
      this.slots = bigger;
      this.head = 0;
    }
    this.slots[(this.head + this.count) & (this.slots.length - 1)] = slot;
    this.count++;
    this.lastTime = time;
  }

  shift(): void {
    this.head = (this.head + 1) & (this.slots.length - 1);
    this.count--;
  }
}

/**
 * The pending events ordered by (time, insertion sequence): a binary min-heap plus up to 8 FIFO lanes,
 * over a struct of typed arrays with recycled slots (pushing and popping allocate nothing once the arrays
 * have grown). An event is a kind (small integer), three integer arguments and an optional payload reference.
 * `pop()` loads the earliest event of all (the least of the heap's top and the lanes' heads) into the public
 * registers `time/seq/kind/a/b/c/payload`, so the order is exactly that of one heap over all events.
 *
 * Why lanes: most events of a run are timers with a handful of fixed delays (batch timeouts re-armed for
 * every collected hash), and most of those are stale when they fire. Kept in lanes they cost O(1) to push
 * and pop instead of O(log n) sifts through a heap of hundreds of thousands.
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
  private heapSize = 0;
  private free: Int32Array;
  private freeTop = 0;
  private used = 0;
  private nextSeq = 0;
  private readonly lanes: Lane[] = [];
  /** events pending, in the heap and the lanes */
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

  /** A new FIFO lane for events pushed with nondecreasing times (e.g. one fixed delay); -1 when all are taken. */
  addLane(): number {
    if (this.lanes.length === MAX_LANES) return -1;
    this.lanes.push(new Lane());
    return this.lanes.length - 1;
  }

  /**
   * Adds an event. With a `lane`, it is appended there if that keeps the lane sorted (its time is not
   * earlier than the lane's last), else it goes to the heap: where an event waits never changes the order.
   */
  push(time: Micros, kind: number, a: number, b: number, c: number, payload?: unknown, lane = -1): void {
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
    this.size++;
    const l = lane >= 0 ? this.lanes[lane] : undefined;
    if (l !== undefined && time >= l.lastTime) l.push(slot, time);
    else this.siftUp(this.heapSize++, slot);
  }

  /** Removes the earliest event into the registers; false when empty. */
  pop(): boolean {
    return this.popUntil(Infinity);
  }

  /** Removes the earliest event into the registers if its time is at most `until`; false otherwise. */
  popUntil(until: Micros): boolean {
    if (this.size === 0) return false;
    let slot = this.heapSize > 0 ? this.heap[0]! : -1;
    let from: Lane | undefined;
    const lanes = this.lanes;
    for (let i = 0; i < lanes.length; i++) {
      const l = lanes[i]!;
      if (l.count === 0) continue;
      const s = l.slots[l.head]!;
      if (slot < 0 || this.less(s, slot)) {
        slot = s;
        from = l;
      }
    }
    if (this.times[slot]! > until) return false;
    if (from !== undefined) from.shift();
    else {
      const last = this.heap[--this.heapSize]!;
      if (this.heapSize > 0) this.siftDown(0, last);
    }
    this.size--;
    this.time = this.times[slot]!;
    this.seq = this.seqs[slot]!;
    this.kind = this.kinds[slot]!;
    this.a = this.as[slot]!;
    this.b = this.bs[slot]!;
    this.c = this.cs[slot]!;
    this.payload = this.payloads[slot];
    this.payloads[slot] = undefined;
    this.free[this.freeTop++] = slot;
    return true;
  }

  /** Time of the earliest event, or Infinity. */
  peekTime(): Micros {
    let t = this.heapSize === 0 ? Infinity : this.times[this.heap[0]!]!;
    for (const l of this.lanes) if (l.count > 0 && this.times[l.slots[l.head]!]! < t) t = this.times[l.slots[l.head]!]!;
    return t;
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
    const n = this.heapSize;
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
