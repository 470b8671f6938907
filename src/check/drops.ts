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
