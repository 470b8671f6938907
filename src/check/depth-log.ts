import type { Micros } from '../core/units.js';
import type { WorldObserver } from '../sim/observer.js';
import type { AddressTable } from '../topology/address.js';
import { KadCounts } from './kad-counts.js';
import { DOWN, StateSeries, type DepthJson } from './state-log.js';

export { DOWN, type DepthJson };

/** Told when a node's depth change is final: the last change at time `t` (`prev`: its depth before `t`). */
export interface DepthListener {
  settled(node: number, prev: number, next: number, t: Micros): void;
}

/**
 * Depth per node over time from the world's connect/disconnect and node up/down events alone (KadCounts, as the
 * discipline checker counts it), never the nodes' own tables. Changes within one instant are one change (a node
 * connecting to twenty peers at t = 0 has one depth at t = 0), recorded in a StateSeries (bounded memory).
 */
export class DepthLog implements WorldObserver {
  readonly kad: KadCounts;
  private readonly series: StateSeries;
  /** the depth each node had at the end of its last settled instant, and when a later change is pending (-1: none) */
  private readonly committed: Int32Array;
  private readonly pendingAt: Float64Array;

  constructor(
    addrs: AddressTable,
    n: number,
    neighbourhoodSize: number,
    private readonly listener?: DepthListener,
  ) {
    this.kad = new KadCounts(addrs, n, neighbourhoodSize);
    this.series = new StateSeries(n);
    this.committed = new Int32Array(n);
    this.pendingAt = new Float64Array(n).fill(-1);
  }

  connected(a: number, b: number, t: Micros): void {
    this.link(a, b, 1, t);
  }

  disconnected(a: number, b: number, _reason: string, t: Micros): void {
    this.link(a, b, -1, t);
  }

  nodeUp(node: number, up: boolean, t: Micros): void {
    this.settleBefore(node, t);
    this.series.note(node, up ? this.kad.depth[node]! : DOWN, t);
  }

  /** Settles every pending change (the run is over). */
  finish(): void {
    for (let x = 0; x < this.pendingAt.length; x++) if (this.pendingAt[x]! >= 0) this.settle(x);
  }

  toJSON(): DepthJson {
    return this.series.toJSON();
  }

  private link(a: number, b: number, d: 1 | -1, t: Micros): void {
    this.settleBefore(a, t);
    this.settleBefore(b, t);
    this.kad.count(a, b, d);
    for (const x of [a, b]) {
      if (this.series.at(x) !== DOWN) this.series.note(x, this.kad.depth[x]!, t);
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
    if (at > 0) this.series.changes[x]!++;
    this.listener?.settled(x, prev, next, at);
  }
}
