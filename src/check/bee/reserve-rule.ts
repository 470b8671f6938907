import type { Micros } from '../../core/units.js';
import type { Breaches } from '../properties.js';

/** What the reserve rule needs of the scenario's Bee settings. */
export interface ReserveRuleParams {
  capacity: number;
  minimumRadius: number;
  networkRadius: number;
  histRateWindow: Micros;
}

/** Bee's 32 bins: PO capped at 31. */
export const BEE_BINS = 32;

/**
 * Each node's reserve as the checker sees it, from the world's store events alone (a chunk whose data was lost
 * stays listed, as in Bee's index, until it is removed), and every radius a node announces held against Bee's
 * reserve rule (pkg/storer/reserve.go: reserveWorker, unreserve; startReserveWorkers):
 * - `overflow`: one step up, while the listed reserve holds more than the capacity and no chunk is listed in a
 *   bin below the old radius (unreserve raises the radius only after a pass evicted everything below it);
 * - `idle`: one step down, from above the minimum radius, while fewer than half the capacity are listed in bins
 *   at or above the old radius, and no historical sync round is known (see HistoricalSync) to have added chunks
 *   in the current or the previous rate window;
 * - `warmup`: to max(network radius, minimum radius), from a radius at most the minimum (a stored radius above
 *   it is kept, and kept radii are not announced);
 * - `wiped`: to 0;
 * anything else is a `radius` breach.
 */
export class ReserveRule {
  /** listed chunks per (node, bin) and per node */
  private readonly bins: Int32Array;
  readonly size: Int32Array;
  /** each node's last announced radius (0 until it announces one) */
  readonly radius: Int32Array;
  radiusUp = 0;
  radiusDown = 0;

  constructor(
    n: number,
    private readonly p: ReserveRuleParams,
    private readonly breaches: Breaches,
    /** some historical round of the node added chunks to its sync rate in [from, to) */
    private readonly histAdded: (node: number, from: Micros, to: Micros) => boolean,
  ) {
    this.bins = new Int32Array(n * BEE_BINS);
    this.size = new Int32Array(n);
    this.radius = new Int32Array(n);
  }

  listed(node: number, bin: number): void {
    this.bins[node * BEE_BINS + bin]!++;
    this.size[node]!++;
  }

  unlisted(node: number, bin: number): void {
    this.bins[node * BEE_BINS + bin]!--;
    this.size[node]!--;
  }

  /** listed chunks of `node` in bins [from, to) */
  count(node: number, from: number, to: number): number {
    let c = 0;
    for (let b = from; b < to; b++) c += this.bins[node * BEE_BINS + b]!;
    return c;
  }

  announced(node: number, value: number, cause: string, t: Micros): void {
    const old = this.radius[node]!;
    this.radius[node] = value;
    const why = this.breach(node, old, value, cause, t);
    if (why) this.breaches.add({ kind: 'radius', node, at: t, detail: `radius ${old} -> ${value} (${cause}): ${why}` });
    if (value > old) this.radiusUp++;
    else if (value < old) this.radiusDown++;
  }

  /** Why an announced radius breaks the rule ('' when it follows it). */
  private breach(node: number, old: number, value: number, cause: string, t: Micros): string {
    const { capacity, minimumRadius, networkRadius, histRateWindow: w } = this.p;
    switch (cause) {
      case 'overflow': {
        if (value !== old + 1) return 'an overflow raises the radius by one';
        if (this.size[node]! <= capacity) return `the reserve lists ${this.size[node]} chunks, not more than the capacity ${capacity}`;
        const below = this.count(node, 0, old);
        return below > 0 ? `${below} chunks are still listed below the old radius (evicted first)` : '';
      }
      case 'idle': {
        if (value !== old - 1) return 'an idle step lowers the radius by one';
        if (old <= minimumRadius) return `the radius was not above the minimum ${minimumRadius}`;
        const within = this.count(node, old, BEE_BINS);
        const half = Math.floor((capacity * 5) / 10);
        if (within >= half) return `${within} chunks listed within the radius, not under half the capacity (${half})`;
        const from = (Math.floor(t / w) - 1) * w;
        return this.histAdded(node, from, t) ? `historical sync added chunks since ${from} us (the rate is not zero)` : '';
      }
      case 'warmup': {
        const target = Math.max(networkRadius, minimumRadius);
        return old <= minimumRadius && value === target ? '' : `warm-up sets max(network radius, minimum radius) = ${target} over a radius at most the minimum`;
      }
      case 'wiped':
        return value === 0 ? '' : 'a wipe forgets the radius (0)';
      default:
        return `no rule changes the radius for "${cause}"`;
    }
  }
}
