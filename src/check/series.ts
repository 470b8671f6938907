import type { Micros } from '../core/units.js';
import type { WireMessage } from '../protocol/api.js';
import { SCENARIO_REASONS } from './drops.js';
import type { WorldObserver } from '../sim/observer.js';

const MAX_BUCKETS = 400;

/**
 * Counts over virtual time in at most 400 buckets: the bucket width doubles (and pairs merge) whenever the
 * run outgrows it, so memory stays bounded however long the run.
 */
export class Buckets {
  width: Micros;
  readonly rows = new Map<string, number[]>();

  constructor(width: Micros = 10_000) {
    this.width = width;
  }

  add(row: string, t: Micros, v = 1): void {
    let idx = Math.floor(t / this.width);
    while (idx >= MAX_BUCKETS) {
      this.coarsen();
      idx = Math.floor(t / this.width);
    }
    let r = this.rows.get(row);
    if (!r) this.rows.set(row, (r = new Array<number>(MAX_BUCKETS).fill(0)));
    r[idx]! += v;
  }

  private coarsen(): void {
    this.width *= 2;
    for (const r of this.rows.values()) {
      for (let i = 0; i < MAX_BUCKETS / 2; i++) r[i] = r[2 * i]! + r[2 * i + 1]!;
      r.fill(0, MAX_BUCKETS / 2);
    }
  }

  /** Used buckets only: { width, rows: {name: counts[]} }. */
  toJSON(): { width: Micros; rows: Record<string, number[]> } {
    let last = 0;
    for (const r of this.rows.values()) for (let i = r.length - 1; i >= last; i--) if (r[i] !== 0) (last = i + 1), (i = -1);
    const rows: Record<string, number[]> = {};
    for (const [k, r] of [...this.rows].sort((a, b) => (a[0] < b[0] ? -1 : 1))) rows[k] = r.slice(0, last);
    return { width: this.width, rows };
  }
}

/** Traffic and incident counts as the transport sees them: messages and bytes by type, drops, marks. */
export class Traffic implements WorldObserver {
  readonly messages: Record<string, number> = {};
  bytes = 0;
  /** connections dropped by the protocol (a handler's Break), by reason */
  readonly drops: Record<string, number> = {};
  /** connections taken down by the scenario (disconnects, node stops) */
  disconnects = 0;
  readonly messageSeries = new Buckets();
  readonly byteSeries = new Buckets();
  readonly marks: { at: Micros; label: string }[] = [];
  private readonly markLimit = 500;

  /** `names`: the protocol's message names by type */
  constructor(readonly names: readonly string[]) {}

  sent(_from: number, _to: number, msg: WireMessage, bytes: number, t: Micros): void {
    const name = this.names[msg.type]!;
    this.messages[name] = (this.messages[name] ?? 0) + 1;
    this.bytes += bytes;
    this.messageSeries.add(name, t);
    this.byteSeries.add(name, t, bytes);
  }

  disconnected(_a: number, _b: number, reason: string, t: Micros): void {
    if (SCENARIO_REASONS.includes(reason)) {
      this.disconnects++;
      return;
    }
    this.drops[reason] = (this.drops[reason] ?? 0) + 1;
    this.mark(t, `drop: ${reason}`);
  }

  action(label: string, t: Micros): void {
    this.mark(t, label);
  }

  mark(at: Micros, label: string): void {
    if (this.marks.length < this.markLimit) this.marks.push({ at, label });
  }
}
