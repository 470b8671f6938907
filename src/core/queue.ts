import type { Micros } from './units.js';

/** FIFO lanes a queue keeps besides its heap (one per distinct timer delay; see `addLane`). */
const MAX_LANES = 8;
/** events per lane page */
const PAGE = 4096;

/** One page of a lane: its events as columns (41 bytes an event, against 68 for one in the heap). */
class LanePage {
  readonly times = new Float64Array(PAGE);
  readonly seqs = new Float64Array(PAGE);
  readonly kinds = new Uint8Array(PAGE);
  readonly as = new Int32Array(PAGE);
  readonly bs = new Int32Array(PAGE);
  readonly cs = new Float64Array(PAGE);
  readonly payloads = new Array<unknown>(PAGE).fill(undefined);
}

/**
 * A sorted FIFO of events, in pages. Every event pushed with one fixed delay arrives in (time, sequence)
 * order, because the clock never goes back and sequence numbers only grow, so such events need no heap:
 * appending keeps the lane sorted, and its head is its earliest event. Most events of a run are timers of a
 * few fixed delays, and most of those are stale when they fire (batch timeouts re-armed for every collected
 * hash; a 10k-node run has millions pending at once), so they are stored compactly and read in order.
 */
class Lane {
  /** pages from head to tail: events [head, tail) of pages[first..] */
  private pages: LanePage[] = [new LanePage()];
  private first = 0;
  private head = 0;
  private tail = 0;
  private spare: LanePage | undefined;
  count = 0;
  lastTime = -Infinity;
  /** the head event's time and sequence (Infinity when empty), kept here so choosing the next event reads no page */
  headTime = Infinity;
  headSeq = Infinity;

  push(time: Micros, seq: number, kind: number, a: number, b: number, c: number, payload: unknown): void {
    if (this.tail === PAGE) {
      this.pages.push(this.spare ?? new LanePage());
      this.spare = undefined;
      this.tail = 0;
    }
    const p = this.pages[this.pages.length - 1]!;
    const i = this.tail++;
    p.times[i] = time;
    p.seqs[i] = seq;
    p.kinds[i] = kind;
    p.as[i] = a;
    p.bs[i] = b;
    p.cs[i] = c;
    p.payloads[i] = payload;
    if (this.count++ === 0) {
      this.headTime = time;
      this.headSeq = seq;
    }
    this.lastTime = time;
  }

  /** The head page and the head's index in it (only while count > 0). */
  headPage(): LanePage {
    return this.pages[this.first]!;
  }

  headIndex(): number {
    return this.head;
  }

  /** Drops the head event (its payload reference is released). */
  shift(): void {
    let p = this.pages[this.first]!;
    p.payloads[this.head] = undefined;
    this.count--;
    if (++this.head === PAGE) {
      // the head page is used up: recycle it, and now and then trim the page list
      this.spare = p;
      this.first++;
      this.head = 0;
      if (this.first >= 64) {
        this.pages = this.pages.slice(this.first);
        this.first = 0;
      }
      p = this.pages[this.first]!;
    }
    if (this.count === 0) this.headTime = this.headSeq = Infinity;
    else {
      this.headTime = p.times[this.head]!;
      this.headSeq = p.seqs[this.head]!;
    }
  }
}

/**
 * The pending events ordered by (time, insertion sequence): a binary min-heap over a struct of typed arrays
 * with recycled slots (pushing and popping allocate nothing once the arrays have grown), plus up to 8 FIFO
 * lanes (see Lane). An event is a kind (small integer), three integer arguments and an optional payload
 * reference. `pop()` loads the earliest event of all (the least of the heap's top and the lanes' heads) into
 * the public registers `time/seq/kind/a/b/c/payload`, so the order is exactly that of one heap over all events;
 * a lane event costs O(1) to push and pop instead of O(log n) sifts through a heap of millions.
 */
export class EventQueue {
  private cap: number;
  /** the heap, 4-ary, keys inline: [time, seq, slot] per position, so sifting reads no other array */
  private heap: Float64Array;
  private heapSize = 0;
  /** per slot [kind, a, b, c]: one cache line for what the popped event carries */
  private recs: Float64Array;
  private payloads: unknown[];
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
    this.heap = new Float64Array(3 * initial);
    this.recs = new Float64Array(4 * initial);
    this.payloads = new Array<unknown>(initial).fill(undefined);
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
    const l = lane >= 0 ? this.lanes[lane] : undefined;
    if (l !== undefined && time >= l.lastTime && kind >= 0 && kind < 256) {
      l.push(time, this.nextSeq++, kind, a, b, c, payload);
      this.size++;
      return;
    }
    let slot: number;
    if (this.freeTop > 0) slot = this.free[--this.freeTop]!;
    else {
      if (this.used === this.cap) this.grow();
      slot = this.used++;
    }
    const r = this.recs;
    // kind, a and b are int32 (as the lanes' Int32Arrays keep them), c is any number
    r[4 * slot] = kind | 0;
    r[4 * slot + 1] = a | 0;
    r[4 * slot + 2] = b | 0;
    r[4 * slot + 3] = c;
    this.payloads[slot] = payload;
    this.size++;
    this.siftUp(this.heapSize++, time, this.nextSeq++, slot);
  }

  /** Removes the earliest event into the registers; false when empty. */
  pop(): boolean {
    return this.popUntil(Infinity);
  }

  /** Removes the earliest event into the registers if its time is at most `until`; false otherwise. */
  popUntil(until: Micros): boolean {
    if (this.size === 0) return false;
    const h = this.heap;
    let t = this.heapSize > 0 ? h[0]! : Infinity;
    let sq = this.heapSize > 0 ? h[1]! : Infinity;
    let from: Lane | undefined;
    const lanes = this.lanes;
    for (let i = 0; i < lanes.length; i++) {
      const l = lanes[i]!;
      if (l.headTime < t || (l.headTime === t && l.headSeq < sq)) {
        t = l.headTime;
        sq = l.headSeq;
        from = l;
      }
    }
    if (t > until) return false;
    this.size--;
    this.time = t;
    this.seq = sq;
    if (from !== undefined) {
      const p = from.headPage();
      const i = from.headIndex();
      this.kind = p.kinds[i]!;
      this.a = p.as[i]!;
      this.b = p.bs[i]!;
      this.c = p.cs[i]!;
      this.payload = p.payloads[i];
      from.shift();
      return true;
    }
    const slot = h[2]!;
    const n = --this.heapSize;
    if (n > 0) this.siftDown(h[3 * n]!, h[3 * n + 1]!, h[3 * n + 2]!);
    const r = this.recs;
    this.kind = r[4 * slot]!;
    this.a = r[4 * slot + 1]!;
    this.b = r[4 * slot + 2]!;
    this.c = r[4 * slot + 3]!;
    this.payload = this.payloads[slot];
    this.payloads[slot] = undefined;
    this.free[this.freeTop++] = slot;
    return true;
  }

  /** Time of the earliest event, or Infinity. */
  peekTime(): Micros {
    let t = this.heapSize > 0 ? this.heap[0]! : Infinity;
    for (const l of this.lanes) if (l.headTime < t) t = l.headTime;
    return t;
  }

  /** Moves up from position `pos` the entry (time, seq, slot). */
  private siftUp(pos: number, time: Micros, seq: number, slot: number): void {
    const h = this.heap;
    while (pos > 0) {
      const parent = (pos - 1) >> 2;
      const pt = h[3 * parent]!;
      if (pt < time || (pt === time && h[3 * parent + 1]! < seq)) break;
      h[3 * pos] = pt;
      h[3 * pos + 1] = h[3 * parent + 1]!;
      h[3 * pos + 2] = h[3 * parent + 2]!;
      pos = parent;
    }
    h[3 * pos] = time;
    h[3 * pos + 1] = seq;
    h[3 * pos + 2] = slot;
  }

  /** Moves down from the root the entry (time, seq, slot) that replaces it. */
  private siftDown(time: Micros, seq: number, slot: number): void {
    const h = this.heap;
    const n = this.heapSize;
    let pos = 0;
    for (;;) {
      const first = 4 * pos + 1;
      if (first >= n) break;
      // the least of up to four children
      let best = first;
      let bt = h[3 * first]!;
      let bs = h[3 * first + 1]!;
      const last = Math.min(first + 4, n);
      for (let c = first + 1; c < last; c++) {
        const ct = h[3 * c]!;
        if (ct < bt || (ct === bt && h[3 * c + 1]! < bs)) {
          best = c;
          bt = ct;
          bs = h[3 * c + 1]!;
        }
      }
      if (time < bt || (time === bt && seq < bs)) break;
      h[3 * pos] = bt;
      h[3 * pos + 1] = bs;
      h[3 * pos + 2] = h[3 * best + 2]!;
      pos = best;
    }
    h[3 * pos] = time;
    h[3 * pos + 1] = seq;
    h[3 * pos + 2] = slot;
  }

  private grow(): void {
    const cap = this.cap * 2;
    const heap = new Float64Array(3 * cap);
    heap.set(this.heap);
    this.heap = heap;
    const recs = new Float64Array(4 * cap);
    recs.set(this.recs);
    this.recs = recs;
    const free = new Int32Array(cap);
    free.set(this.free);
    this.free = free;
    for (let i = this.cap; i < cap; i++) this.payloads.push(undefined);
    this.cap = cap;
  }
}
