import { MS, type Micros } from '../../core/units.js';
import type { Latency } from '../../net/links.js';
import { resolveRef } from '../loader.js';
import type { Action, LinkChange, NodeRef, TimedAction } from '../schema.js';
import { steady, type State } from './state.js';

/**
 * Smaller versions of one fault (event `i`), in the order a shrink tries them: shorter (a spike's `for`, the time
 * until the event that ends a stop, pause, disconnect or partition, a churn's span and downtimes, halved), on fewer
 * nodes (a partition group without one of its members), milder (a link change without one of its settings, or
 * each setting halfway to the links' baseline; a churn at half the rate). Each is a candidate; none is checked.
 */
export function tweaks(st: State, i: number): State[] {
  const e = st.scenario.events[i]!;
  const a = e.action;
  const put = (action: Action, at = e.at): State => withEvent(st, i, { at, action });
  if ('links' in a) return linkTweaks(st, a.links).map((c) => put({ links: c }));
  if ('churn' in a) {
    const c = a.churn;
    const out: State[] = [];
    const span = c.until - e.at;
    if (span >= 2 * MS) out.push(put({ churn: { ...c, until: e.at + half(span) } }));
    if (c.downtime[1] >= 2 * MS) out.push(put({ churn: { ...c, downtime: [half(c.downtime[0]), half(c.downtime[1])] } }));
    if (c.rate >= 0.02) out.push(put({ churn: { ...c, rate: c.rate / 2 } }));
    return out;
  }
  const out: State[] = [];
  const j = closer(st, i);
  if (j !== undefined) {
    const gap = st.scenario.events[j]!.at - e.at;
    if (gap >= 2 * MS) out.push(withEvent(st, j, { ...st.scenario.events[j]!, at: e.at + half(gap) }));
  }
  if ('partition' in a && 'groups' in a.partition) {
    const groups = a.partition.groups;
    groups.forEach((g, gi) => {
      if (g.length > 1) g.forEach((_, mi) => out.push(put({ partition: { groups: groups.map((h, hi) => (hi === gi ? h.filter((__, k) => k !== mi) : h)) } })));
    });
  }
  return out;
}

/** Half a duration, rounded down to a millisecond (durations stay readable). */
function half(t: Micros): Micros {
  return Math.floor(t / 2 / MS) * MS;
}

function withEvent(st: State, i: number, e: TimedAction): State {
  const events = st.scenario.events.map((x, k) => (k === i ? e : x));
  return { ...st, scenario: { ...st.scenario, events } };
}

/** A link change: shorter, without one of its settings (one stays), each setting halfway to the baseline. */
function linkTweaks(st: State, c: LinkChange): LinkChange[] {
  const base = st.scenario.links;
  const out: LinkChange[] = [];
  if (c.for !== undefined && c.for >= 2 * MS) out.push({ ...c, for: half(c.for) });
  const set = (['latency', 'bandwidth', 'processing'] as const).filter((k) => c[k] !== undefined);
  if (set.length > 1) for (const k of set) out.push(without(c, k));
  if (c.latency !== undefined) {
    const l = towards(c.latency, steady(base.latency));
    if (l) out.push({ ...c, latency: l });
  }
  if (c.bandwidth !== undefined) {
    const b = c.bandwidth;
    const target = base.bandwidth === Infinity ? b * 16 : base.bandwidth;
    if (b !== Infinity && (target / b > 1.5 || b / target > 1.5)) out.push({ ...c, bandwidth: Math.round(Math.sqrt(b * target)) });
  }
  if (c.processing !== undefined && Math.abs(c.processing - base.processing) >= 2 * MS) out.push({ ...c, processing: base.processing + half(c.processing - base.processing) });
  return out;
}

function without(c: LinkChange, k: 'latency' | 'bandwidth' | 'processing'): LinkChange {
  const { [k]: _gone, ...rest } = c;
  return rest;
}

/** A latency halfway to the baseline's (a uniform range first becomes its midpoint); undefined when already close. */
function towards(l: Latency, base: Latency): Latency | undefined {
  if ('uniform' in l) return steady(l);
  const b = 'constant' in base ? base.constant : base.uniform[0];
  const gap = l.constant - b;
  return Math.abs(gap) >= 2 * MS ? { constant: b + (gap > 0 ? half(gap) : -half(-gap)) } : undefined;
}

/**
 * The event that ends fault `i`: the first later start (or heal) of a stopped node, resume (or heal) of a paused
 * one, connect of a disconnected pair, heal of a partition. Faults named by "random" have none it can tell.
 */
function closer(st: State, i: number): number | undefined {
  const events = st.scenario.events;
  const e = events[i]!;
  const a = e.action;
  const node = (r: NodeRef) => resolveRef(r, st.topology);
  const pair = (x: NodeRef, y: NodeRef) => [node(x), node(y)].sort().join('-');
  let ends: (b: Action) => boolean;
  if ('stop' in a) ends = (b) => 'heal' in b || ('start' in b && node(b.start.node) === node(a.stop.node));
  else if ('pause' in a) ends = (b) => 'heal' in b || ('resume' in b && node(b.resume.node) === node(a.pause.node));
  else if ('disconnect' in a) ends = (b) => 'connect' in b && pair(b.connect.a, b.connect.b) === pair(a.disconnect.a, a.disconnect.b);
  else if ('partition' in a) ends = (b) => 'heal' in b;
  else return undefined;
  if (Object.values(a).some((body) => Object.values(body as object).includes('random'))) return undefined;
  let best: number | undefined;
  events.forEach((x, k) => {
    const later = x.at > e.at || (x.at === e.at && k > i);
    if (later && ends(x.action) && (best === undefined || x.at < events[best]!.at || (x.at === events[best]!.at && k < best))) best = k;
  });
  return best;
}
