import type { Micros } from '../core/units.js';

/** A node's state while it is stopped. */
export const DOWN = -1;
/** States above this are counted with it (depths and radii stay far below). */
const MAX_STATE = 31;
/** Changes kept per node (a flapping node's later ones are counted, not listed). */
const PER_NODE = 48;
/** Samples of the per-state node counts over time. */
const SAMPLES = 400;

/** Each node's state (a depth, a radius, or DOWN) over time, and how many nodes are in each, as the report draws them. */
export interface DepthJson {
  /** per node, flat pairs [t0, state0, t1, state1, ...] (state: depth, or -1 while down), from t = 0 */
  nodes: number[][];
  /** per node, changes after t = 0 (including those beyond the listed ones) */
  changes: number[];
  /** changes not listed (over the per-node limit), all nodes together */
  capped: number;
  /** nodes per state in buckets of `width` (the count at each bucket's end); keys: states and "down" */
  groups: { width: Micros; rows: Record<string, number[]> };
}

/**
 * A per-node integer state over time: each node's changes as [t, state] pairs (one entry per instant, the instant's
 * last state; at most PER_NODE a node), and how many nodes are in each state, in at most SAMPLES buckets that double
 * in width as the run grows. Its owner says what a state is and what counts as a change (`changes`).
 */
export class StateSeries {
  /** per node: changes its owner counted (the JSON's `changes`) */
  readonly changes: Int32Array;
  private readonly log: number[][];
  private readonly state: Int32Array;
  private capped = 0;
  private readonly counts = new Int32Array(MAX_STATE + 2);
  private readonly samples = new Map<number, Int32Array>();
  private width: Micros = 10_000;

  constructor(n: number, initial = 0) {
    this.log = Array.from({ length: n }, () => [0, initial]);
    this.state = new Int32Array(n).fill(initial);
    this.changes = new Int32Array(n);
    this.counts[Math.min(initial, MAX_STATE) + 1] = n;
    this.sample(0);
  }

  /** Node `x`'s state now. */
  at(x: number): number {
    return this.state[x]!;
  }

  /** Records node `x`'s state at `t`. */
  note(x: number, s: number, t: Micros): void {
    const old = this.state[x]!;
    if (s === old) return;
    this.state[x] = s;
    this.counts[Math.min(old, MAX_STATE) + 1]!--;
    this.counts[Math.min(s, MAX_STATE) + 1]!++;
    this.sample(t);
    const l = this.log[x]!;
    if (l[l.length - 2] === t) {
      l[l.length - 1] = s;
      if (l.length >= 4 && l[l.length - 3] === s) l.length -= 2; // back where it was before this instant
    } else if (l.length < 2 * PER_NODE) l.push(t, s);
    else this.capped++;
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
    return { nodes: this.log.map((l) => l.slice()), changes: Array.from(this.changes), capped: this.capped, groups: { width: this.width, rows } };
  }

  /** The per-state counts at `t`, into the bucket holding `t`. */
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

/**
 * A state each node announces (Bee's storage radius) over time, as the report draws depth: DOWN while the node is
 * stopped, its last announced state again when it comes back. Its JSON has DepthLog's shape, so the same charts draw
 * both.
 */
export class StateLog {
  private readonly series: StateSeries;
  /** the state a node announced last (what it has again when it comes back up) */
  private readonly announced: Int32Array;

  constructor(n: number, initial = 0) {
    this.series = new StateSeries(n, initial);
    this.announced = new Int32Array(n).fill(initial);
  }

  /** The node announced a new state. */
  set(node: number, s: number, t: Micros): void {
    this.announced[node] = s;
    if (this.series.at(node) !== DOWN) this.note(node, s, t);
  }

  nodeUp(node: number, up: boolean, t: Micros): void {
    this.note(node, up ? this.announced[node]! : DOWN, t);
  }

  toJSON(): DepthJson {
    return this.series.toJSON();
  }

  private note(x: number, s: number, t: Micros): void {
    const old = this.series.at(x);
    if (s !== old && t > 0 && s !== DOWN && old !== DOWN) this.series.changes[x]!++;
    this.series.note(x, s, t);
  }
}
