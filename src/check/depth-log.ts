import type { Micros } from '../core/units.js';
import type { WorldObserver } from '../sim/observer.js';
import type { AddressTable } from '../topology/address.js';
import { KadCounts } from './kad-counts.js';

/** A node's state in the depth log: its depth, or DOWN while it is stopped. */
export const DOWN = -1;
/** Depths above this are counted with it (real runs stay far below). */
const MAX_DEPTH = 31;
/** Changes kept per node (a flapping node's later ones are counted, not listed). */
const PER_NODE = 48;
/** Samples of the per-depth node counts over time. */
const SAMPLES = 400;

/** Told when a node's depth change is final: the last change at time `t` (`prev`: its depth before `t`). */
export interface DepthListener {
  settled(node: number, prev: number, next: number, t: Micros): void;
}

/** Each node's depth (or DOWN) over time, and how many nodes are at each depth, as the report draws them. */
export interface DepthJson {
  /** per node, flat pairs [t0, state0, t1, state1, ...] (state: depth, or -1 while down), from t = 0 */
  nodes: number[][];
  /** per node, depth changes after t = 0 (including those beyond the listed ones) */
  changes: number[];
  /** changes not listed (over the per-node limit), all nodes together */
  capped: number;
  /** nodes per state in buckets of `width` (the count at each bucket's end); keys: depths and "down" */
  groups: { width: Micros; rows: Record<string, number[]> };
}

/**
 * Depth per node over time from the world's connect/disconnect and node up/down events alone (KadCounts, as the
 * discipline checker counts it), never the nodes' own tables. Changes within one instant are one change (a node
 * connecting to twenty peers at t = 0 has one depth at t = 0). Memory: at most PER_NODE changes a node, and
 * SAMPLES samples of the per-depth counts.
 */
export class DepthLog implements WorldObserver {
  readonly kad: KadCounts;
  private readonly log: number[][];
  private readonly state: Int32Array;
  private readonly changeCount: Int32Array;
  private capped = 0;
  /** the depth each node had at the end of its last settled instant, and when a later change is pending (-1: none) */
  private readonly committed: Int32Array;
  private readonly pendingAt: Float64Array;
  private readonly counts = new Int32Array(MAX_DEPTH + 2);
  private readonly samples = new Map<number, Int32Array>();
  private width: Micros = 10_000;

  constructor(
    addrs: AddressTable,
    n: number,
    neighbourhoodSize: number,
    private readonly listener?: DepthListener,
  ) {
    this.kad = new KadCounts(addrs, n, neighbourhoodSize);
    this.log = Array.from({ length: n }, () => [0, 0]);
    this.state = new Int32Array(n);
    this.changeCount = new Int32Array(n);
    this.committed = new Int32Array(n);
    this.pendingAt = new Float64Array(n).fill(-1);
    this.counts[1] = n;
    this.sample(0);
  }

  connected(a: number, b: number, t: Micros): void {
    this.link(a, b, 1, t);
  }

  disconnected(a: number, b: number, _reason: string, t: Micros): void {
    this.link(a, b, -1, t);
  }

  nodeUp(node: number, up: boolean, t: Micros): void {
    this.settleBefore(node, t);
    this.note(node, up ? this.kad.depth[node]! : DOWN, t);
  }

  /** Settles every pending change (the run is over). */
  finish(): void {
    for (let x = 0; x < this.pendingAt.length; x++) if (this.pendingAt[x]! >= 0) this.settle(x);
  }

  toJSON(): DepthJson {
    let last = 0;
    for (const k of this.samples.keys()) last = Math.max(last, k);
    const used = new Set<number>();
    for (const s of this.samples.values()) s.forEach((c, i) => (c > 0 ? used.add(i) : undefined));
    const rows: Record<string, number[]> = {};
    for (const i of [...used].sort((a, b) => a - b)) {
      const row: number[] = [];
      let v = 0;
      for (let k = 0; k <= last; k++) row.push((v = this.samples.get(k)?.[i] ?? v));
      rows[i === 0 ? 'down' : String(i - 1)] = row;
    }
    return { nodes: this.log.map((l) => l.slice()), changes: Array.from(this.changeCount), capped: this.capped, groups: { width: this.width, rows } };
  }

  private link(a: number, b: number, d: 1 | -1, t: Micros): void {
    this.settleBefore(a, t);
    this.settleBefore(b, t);
    this.kad.count(a, b, d);
    for (const x of [a, b]) {
      if (this.state[x] !== DOWN) this.note(x, this.kad.depth[x]!, t);
      const depth = this.kad.depth[x]!;
      if (depth !== this.committed[x]) this.pendingAt[x] = t;
      else if (this.pendingAt[x] === t) this.pendingAt[x] = -1;
    }
  }

  /** A change at an earlier instant than `t` is final by now. */
  private settleBefore(x: number, t: Micros): void {
    const at = this.pendingAt[x]!;
    if (at >= 0 && at < t) this.settle(x);
  }

  private settle(x: number): void {
    const at = this.pendingAt[x]!;
    const prev = this.committed[x]!;
    const next = this.kad.depth[x]!;
    this.pendingAt[x] = -1;
    if (next === prev) return;
    this.committed[x] = next;
    if (at > 0) this.changeCount[x]!++;
    this.listener?.settled(x, prev, next, at);
  }

  /** Records a node's state at `t`: one entry per instant, the instant's last state. */
  private note(x: number, s: number, t: Micros): void {
    const old = this.state[x]!;
    if (s === old) return;
    this.state[x] = s;
    this.counts[Math.min(old, MAX_DEPTH) + 1]!--;
    this.counts[Math.min(s, MAX_DEPTH) + 1]!++;
    this.sample(t);
    const l = this.log[x]!;
    if (l[l.length - 2] === t) {
      l[l.length - 1] = s;
      if (l.length >= 4 && l[l.length - 3] === s) l.length -= 2; // back where it was before this instant
    } else if (l.length < 2 * PER_NODE) l.push(t, s);
    else this.capped++;
  }

  /** The per-depth counts at `t`, into the bucket holding `t` (buckets double in width as the run grows). */
  private sample(t: Micros): void {
    while (Math.floor(t / this.width) >= SAMPLES) {
      this.width *= 2;
      const merged = new Map<number, Int32Array>();
      for (const k of [...this.samples.keys()].sort((a, b) => a - b)) merged.set(k >> 1, this.samples.get(k)!);
      this.samples.clear();
      for (const [k, v] of merged) this.samples.set(k, v);
    }
    const k = Math.floor(t / this.width);
    const at = this.samples.get(k);
    if (at) at.set(this.counts);
    else this.samples.set(k, this.counts.slice());
  }
}
