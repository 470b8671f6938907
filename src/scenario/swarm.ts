import { KeyedPicker } from '../core/keyed-pick.js';
import { Keyed, key, wordsKey } from '../core/keyed.js';
import { createRng, type Rng } from '../core/rng.js';
import { MS, SECOND, type Micros } from '../core/units.js';
import { WORDS } from '../topology/address.js';
import type { Topology } from '../topology/topology.js';
import type { Scenario, TimedAction } from './schema.js';

/** What `sweep --swarm` drew for one seed. */
export interface FaultMix {
  churnRate: number;
  downtime: [Micros, Micros];
  spike: { at: Micros; latency: Micros; for: Micros } | null;
  partition: { at: Micros } | null;
  throttle: { node: number; bandwidth: number } | null;
  healAt: Micros;
}

/**
 * Swarm testing: the fault mix itself is drawn from the seed (its own `swarm` stream), so a sweep explores many
 * mixes: a churn rate and downtime, maybe a latency spike, maybe a partition into the address halves, maybe a
 * throttled node; then a heal, after which the run must converge within the scenario's bound (60 s if unset; Bee:
 * none, it must go quiet by run.maxTime).
 * The throttled node is a keyed pick by address (src/core/keyed-pick.ts), so it stays when another node goes.
 */
export function withSwarmFaults(s: Scenario, seed: number, topology: Topology): { scenario: Scenario; mix: FaultMix } {
  const rng = createRng(seed).fork('swarm');
  const pick = (lo: number, hi: number) => lo + rng.next() * (hi - lo);
  const healAt = Math.round(pick(10, 30)) * SECOND;
  const mix: FaultMix = {
    churnRate: Math.round(pick(0.05, 1) * 100) / 100,
    downtime: [500 * MS, Math.round(pick(1, 6)) * SECOND],
    spike: rng.next() < 0.5 ? { at: Math.round(pick(1, healAt / SECOND - 2)) * SECOND, latency: Math.round(pick(100, 1000)) * MS, for: Math.round(pick(1, 4)) * SECOND } : null,
    partition: rng.next() < 0.4 ? { at: Math.round(pick(1, healAt / SECOND - 3)) * SECOND } : null,
    throttle: rng.next() < 0.4 ? { node: throttled(rng, topology), bandwidth: Math.round(pick(50, 500)) * 1000 } : null,
    healAt,
  };
  const events: TimedAction[] = [...s.events, { at: SECOND, action: { churn: { rate: mix.churnRate, downtime: mix.downtime, until: healAt } } }];
  if (mix.spike) events.push({ at: mix.spike.at, action: { links: { latency: { constant: mix.spike.latency }, for: mix.spike.for } } });
  if (mix.partition) events.push({ at: mix.partition.at, action: { partition: { halves: true } } });
  if (mix.throttle) events.push({ at: 2 * SECOND, action: { links: { node: mix.throttle.node, bandwidth: mix.throttle.bandwidth } } });
  events.push({ at: healAt, action: { heal: {} } });
  events.sort((a, b) => a.at - b.at);
  // Bee: no default bound: a radius may step down (and the node's responsibility grow) at any later wake-up, so its
  // liveness phase is going quiet by run.maxTime (docs/bee.md, "Quiescence")
  const bound = s.protocol.kind === 'bee' ? null : 60 * SECOND;
  return {
    scenario: { ...s, events, run: { ...s.run, convergeWithin: s.run.convergeWithin ?? bound } },
    mix,
  };
}

/** The node to throttle: the keyed picker's choice among all nodes, by their addresses. */
function throttled(rng: Rng, t: Topology): number {
  const nodeKeys = t.ids.map((_, i) => wordsKey(t.addrs.words, i * WORDS, WORDS));
  return new KeyedPicker(Keyed.of(rng, 'throttle'), nodeKeys).pick(key(0), 0);
}
