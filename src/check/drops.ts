import type { Micros } from '../core/units.js';
import type { WorldObserver } from '../sim/observer.js';
import type { Breaches } from './properties.js';

/** Reasons of connections that went down by the scenario's hand, not the protocol's (not drops). */
export const SCENARIO_REASONS: readonly string[] = ['disconnected by scenario', 'node stopped'];

/** C8, for every protocol: a connection the protocol dropped (a handler's Break) is a `drop` breach. */
export class DropWatch implements WorldObserver {
  constructor(private readonly breaches: Breaches) {}

  disconnected(a: number, b: number, reason: string, t: Micros): void {
    if (SCENARIO_REASONS.includes(reason)) return;
    this.breaches.add({ kind: 'drop', node: a, at: t, detail: `nodes ${a} and ${b} dropped: ${reason}` });
  }
}

/** Drop pairs listed at most. */
const DROP_PAIRS = 1000;

/** Connections the protocol dropped (a handler's Break), per node and per pair, with the last reason. */
export interface DropsJson {
  byNode: number[];
  /** [a, b, drops, last reason], most drops first */
  pairs: [number, number, number, string][];
}

/** Drops by peer, as the transport reports them (the scenario's own disconnects are not drops). */
export class PeerDrops implements WorldObserver {
  private readonly byNode: Int32Array;
  private readonly pairs = new Map<number, { count: number; reason: string }>();

  constructor(private readonly n: number) {
    this.byNode = new Int32Array(n);
  }

  disconnected(a: number, b: number, reason: string): void {
    if (reason === 'disconnected by scenario' || reason === 'node stopped') return;
    this.byNode[a]!++;
    this.byNode[b]!++;
    const key = Math.min(a, b) * this.n + Math.max(a, b);
    const p = this.pairs.get(key);
    if (p) (p.count++, (p.reason = reason));
    else this.pairs.set(key, { count: 1, reason });
  }

  toJSON(): DropsJson {
    const pairs = [...this.pairs].sort((x, y) => y[1].count - x[1].count || x[0] - y[0]).slice(0, DROP_PAIRS);
    return { byNode: Array.from(this.byNode), pairs: pairs.map(([k, p]) => [Math.floor(k / this.n), k % this.n, p.count, p.reason]) };
  }
}
