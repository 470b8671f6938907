import type { Micros } from '../core/units.js';
import type { DepthJson } from './depth-log.js';

/** A node's state while it is stopped. */
export const DOWN = -1;
/** States above this are counted with it. */
const MAX_STATE = 31;
/** Changes kept per node (later ones are counted, not listed). */
const PER_NODE = 48;
/** Samples of the per-state node counts over time. */
const SAMPLES = 400;

/**
 * A state each node announces (Bee's storage radius) over time, as the report draws depth: per node its changes
 * as [t, state] pairs (DOWN while stopped), and how many nodes are in each state over time, in at most SAMPLES
 * buckets that double in width as the run grows. Its JSON has DepthLog's shape, so the same charts draw both.
 */
export class StateLog {
  private readonly log: number[][];
  private readonly state: Int32Array;
  /** the state a node announced last (what it has again when it comes back up) */
  private readonly announced: Int32Array;
  private readonly changeCount: Int32Array;
  private capped = 0;
  private readonly counts = new Int32Array(MAX_STATE + 2);
  private readonly samples = new Map<number, Int32Array>();
  private width: Micros = 10_000;

  constructor(n: number, initial = 0) {
    this.log = Array.from({ length: n }, () => [0, initial]);
    this.state = new Int32Array(n).fill(initial);
    this.announced = new Int32Array(n).fill(initial);
    this.changeCount = new Int32Array(n);
    this.counts[Math.min(initial, MAX_STATE) + 1] = n;
    this.sample(0);
  }

  /** The node announced a new state. */
  set(node: number, s: number, t: Micros): void {
    this.announced[node] = s;
    if (this.state[node] !== DOWN) this.note(node, s, t);
  }

  nodeUp(node: number, up: boolean, t: Micros): void {
    this.note(node, up ? this.announced[node]! : DOWN, t);
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

  /** One entry per instant: the instant's last state. */
  private note(x: number, s: number, t: Micros): void {
    const old = this.state[x]!;
    if (s === old) return;
    this.state[x] = s;
    if (t > 0 && s !== DOWN && old !== DOWN) this.changeCount[x]!++;
    this.counts[Math.min(old, MAX_STATE) + 1]!--;
    this.counts[Math.min(s, MAX_STATE) + 1]!++;
    this.sample(t);
    const l = this.log[x]!;
    if (l[l.length - 2] === t) {
      l[l.length - 1] = s;
      if (l.length >= 4 && l[l.length - 3] === s) l.length -= 2;
    } else if (l.length < 2 * PER_NODE) l.push(t, s);
    else this.capped++;
  }

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
