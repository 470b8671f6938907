import type { Micros } from '../../core/units.js';
import { BeeState } from '../../protocol/bee/plugin.js';
import type { WorldObserver } from '../../sim/observer.js';
import type { AddressTable } from '../../topology/address.js';
import { DepthLog, type DepthJson } from '../depth-log.js';
import { PeerDrops, type DropsJson } from '../drops.js';
import { Buckets } from '../series.js';
import { StateLog } from '../state-log.js';

/** Samples of the reserve sizes over time. */
const SAMPLES = 200;

/** Bee's part of result.json's diagnosis: radius and reserve over time, and why chunks left reserves. */
export interface BeeDiagnosisJson {
  /** each node's announced storage radius over time (DepthLog's shape: the depth charts draw it) */
  radius: DepthJson;
  /** the reserve sizes of the up nodes (chunks listed), sampled at the end of each bucket of `width` */
  reserve: { width: Micros; capacity: number; min: number[]; mean: number[]; max: number[] };
  /** chunks that left a reserve, per cause (evicted, expired, wiped, lost, removed), in buckets of `width` */
  removals: { width: Micros; rows: Record<string, number[]> };
  /** per node: chunks evicted, and the reserve size at the end */
  evictedByNode: number[];
  reserveAtEnd: number[];
}

/** What the report needs of a Bee run beside the checkers. */
export interface BeeDiagnosisParts {
  depth: DepthJson;
  drops: DropsJson;
  bee: BeeDiagnosisJson;
}

/**
 * The report's own observers of a Bee run (RunOptions.details): depth from the connections and drops by peer, as for
 * every protocol, and Bee's: each node's radius from its announcements, its reserve size from the stores and
 * removals the world reports (a lost chunk stays listed until it is removed, as in Bee's index), and the removals
 * by cause. One observer at the world, handing events on to its parts.
 */
export class BeeDiagnosis implements WorldObserver {
  readonly depth: DepthLog;
  readonly drops: PeerDrops;
  readonly radius: StateLog;
  private readonly removals = new Buckets();
  private readonly size: Int32Array;
  private readonly evicted: Int32Array;
  private readonly up: Uint8Array;
  private width: Micros = 10_000;
  /** the last bucket sampled (-1: none) */
  private sampled = -1;
  private min: number[] = [];
  private mean: number[] = [];
  private max: number[] = [];

  constructor(
    addrs: AddressTable,
    n: number,
    neighbourhoodSize: number,
    private readonly capacity: number,
    up: readonly boolean[],
  ) {
    this.depth = new DepthLog(addrs, n, neighbourhoodSize);
    this.drops = new PeerDrops(n);
    this.radius = new StateLog(n);
    this.size = new Int32Array(n);
    this.evicted = new Int32Array(n);
    this.up = Uint8Array.from(up, (u) => (u ? 1 : 0));
  }

  connected(a: number, b: number, t: Micros): void {
    this.depth.connected(a, b, t);
  }

  disconnected(a: number, b: number, reason: string, t: Micros): void {
    this.depth.disconnected(a, b, reason, t);
    this.drops.disconnected(a, b, reason);
  }

  nodeUp(node: number, up: boolean, t: Micros): void {
    this.advance(t);
    this.depth.nodeUp(node, up, t);
    this.radius.nodeUp(node, up, t);
    this.up[node] = up ? 1 : 0;
  }

  stateChanged(node: number, name: string, value: number, _cause: string, t: Micros): void {
    if (name === BeeState.radius) this.radius.set(node, value, t);
  }

  stored(node: number, _chunk: number, t: Micros): void {
    this.advance(t);
    this.size[node]!++;
  }

  removed(node: number, _chunk: number, t: Micros, cause?: string): void {
    this.advance(t);
    const why = cause ?? 'removed';
    this.removals.add(why, t);
    if (why === 'lost') return; // listed until removed
    if (why === 'evicted') this.evicted[node]!++;
    this.size[node]!--;
  }

  /** After the run: settles what is pending and returns the plain data. */
  toJSON(): BeeDiagnosisParts {
    this.depth.finish();
    this.sample(this.sampled + 1);
    const reserve = { width: this.width, capacity: this.capacity, min: this.min, mean: this.mean, max: this.max };
    const bee = { radius: this.radius.toJSON(), reserve, removals: this.removals.toJSON(), evictedByNode: Array.from(this.evicted), reserveAtEnd: Array.from(this.size) };
    return { depth: this.depth.toJSON(), drops: this.drops.toJSON(), bee };
  }

  /** Samples every bucket that ended before `t` (the sizes are as they were at its end). */
  private advance(t: Micros): void {
    while (Math.floor(t / this.width) >= SAMPLES) this.coarsen();
    const k = Math.floor(t / this.width);
    while (this.sampled < k - 1) this.sample(this.sampled + 1);
  }

  private sample(k: number): void {
    let lo = Infinity;
    let hi = 0;
    let sum = 0;
    let count = 0;
    for (let i = 0; i < this.size.length; i++) {
      if (!this.up[i]) continue;
      const s = this.size[i]!;
      lo = Math.min(lo, s);
      hi = Math.max(hi, s);
      sum += s;
      count++;
    }
    this.min[k] = count ? lo : 0;
    this.mean[k] = count ? Math.round((sum / count) * 10) / 10 : 0;
    this.max[k] = hi;
    this.sampled = k;
  }

  /**
   * Buckets twice as wide: each new bucket keeps the later sample of its two (the value at its end); a new bucket
   * whose second half was not sampled yet is not sampled either.
   */
  private coarsen(): void {
    this.width *= 2;
    const keep = (xs: number[]) => Array.from({ length: Math.floor(xs.length / 2) }, (_, i) => xs[2 * i + 1]!);
    this.min = keep(this.min);
    this.mean = keep(this.mean);
    this.max = keep(this.max);
    this.sampled = this.min.length - 1;
  }
}
