import type { Latency } from '../../net/links.js';
import type { Topology } from '../../topology/topology.js';
import { withoutEvents as scenarioWithout, withoutNode } from '../reduce.js';
import { joinsUpload } from '../emit.js';
import type { Scenario, TimedAction } from '../schema.js';

/** What a shrink step changes: the scenario (mutant applied, time bounded), its topology and the seed. */
export interface State {
  scenario: Scenario;
  topology: Topology;
  seed: number;
}

/** How big a state is, compared in this order: nodes, chunks, events, links. */
export interface Size {
  nodes: number;
  chunks: number;
  events: number;
  links: number;
}

/** Uploaded chunks (by the scenario's events) and events as a file writes them (consecutive named uploads at one node and time are one). */
export function sizeOf(s: State): Size {
  const ev = s.scenario.events;
  const chunks = ev.reduce((n, e) => n + ('upload' in e.action ? e.action.upload.chunks : 0), 0);
  const events = ev.filter((e, i) => !joinsUpload(ev[i - 1], e, s.topology)).length;
  return { nodes: s.topology.ids.length, chunks, events, links: s.topology.conns.length };
}

/** a < b: fewer nodes, or as many and fewer chunks, then events, then links. */
export function smaller(a: Size, b: Size): boolean {
  for (const k of ['nodes', 'chunks', 'events', 'links'] as const) if (a[k] !== b[k]) return a[k] < b[k];
  return false;
}

/** The state without these events (indexes into its events; remove ranges follow removed uploads). */
export function withoutEvents(st: State, indexes: readonly number[]): State {
  return { ...st, scenario: scenarioWithout(st.scenario, indexes) };
}

/** The state without these nodes (indexes into its topology): events that name one go, references renumbered. */
export function withoutNodes(st: State, nodes: readonly number[]): State {
  let loaded = { scenario: st.scenario, topology: st.topology };
  for (const n of [...nodes].sort((x, y) => y - x)) loaded = withoutNode(loaded, n);
  return { ...st, ...loaded };
}

/** A uniform latency as the constant at its range's midpoint (rounded down to a microsecond). */
export function steady(l: Latency): Latency {
  return 'uniform' in l ? { constant: Math.floor((l.uniform[0] + l.uniform[1]) / 2) } : l;
}

/** The state with no jitter: every uniform latency (the links' model and every link change) at its midpoint. */
export function withoutJitter(st: State): State | undefined {
  const s = st.scenario;
  const jittery = 'uniform' in s.links.latency || s.events.some((e) => 'links' in e.action && e.action.links.latency !== undefined && 'uniform' in e.action.links.latency);
  if (!jittery) return undefined;
  const events = s.events.map((e): TimedAction => ('links' in e.action && e.action.links.latency !== undefined ? { at: e.at, action: { links: { ...e.action.links, latency: steady(e.action.links.latency) } } } : e));
  return { ...st, scenario: { ...s, links: { ...s.links, latency: steady(s.links.latency) }, events } };
}
