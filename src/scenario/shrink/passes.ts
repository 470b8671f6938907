import { isConnected } from '../../topology/plain.js';
import { resolveRef } from '../loader.js';
import type { NodeRef } from '../schema.js';
import { ddmin } from './ddmin.js';
import type { Candidate, Search } from './search.js';
import { withoutEvents, withoutJitter, withoutNodes, type State } from './state.js';
import { tweaks } from './tweaks.js';

/**
 * The passes of a shrink, each trying smaller states in a fixed order and keeping what still fails; each says
 * whether it changed anything. The driver (shrink.ts) runs them to a fixed point.
 */

/** ddmin over `items`, each candidate built from the state the pass started from and the items it keeps. */
async function ddminPass<T>(x: Search, items: readonly T[], build: (base: State, keep: readonly T[]) => State | undefined): Promise<boolean> {
  if (items.length === 0) return false;
  const base = x.state;
  let changed = false;
  await ddmin(items, async (round) => {
    const hit = await x.tryIndex(round.map((keep): Candidate => () => build(base, keep)));
    if (hit !== undefined) changed = true;
    return hit;
  });
  return changed;
}

/** Tries `build(state, key)` for each key in order, accepting each that still fails and going on from there. */
async function eachOf<K>(x: Search, keys: readonly K[], build: (st: State, key: K) => State | undefined): Promise<boolean> {
  let from = 0;
  let changed = false;
  while (from < keys.length) {
    const hit = await x.tryIndex(keys.slice(from).map((k): Candidate => () => build(x.state, k)));
    if (hit === undefined) break;
    changed = true;
    from += hit + 1;
  }
  return changed;
}

/** Events after the property's first violation cannot have caused it: one candidate without all of them. */
export async function afterViolation(x: Search): Promise<boolean> {
  x.begin('events after the violation');
  const t = x.probe.first?.at;
  if (t === undefined) return false;
  const later = x.state.scenario.events.flatMap((e, i) => (e.at > t ? [i] : []));
  return later.length > 0 && x.try([() => withoutEvents(x.state, later)]);
}

/** Faults (every event but an upload): ddmin over the list, then each one shorter, on fewer nodes, milder. */
export async function faults(x: Search): Promise<boolean> {
  x.begin('faults');
  const events = x.state.scenario.events;
  const list = events.flatMap((e, i) => ('upload' in e.action ? [] : [i]));
  let changed = await ddminPass(x, list, (base, keep) => withoutEvents(base, list.filter((i) => !keep.includes(i))));
  x.begin('fault details');
  for (let i = 0; i < x.state.scenario.events.length; i++) {
    if ('upload' in x.state.scenario.events[i]!.action) continue;
    for (let round = 0; round < 32; round++) {
      const options = tweaks(x.state, i);
      if (!(await x.try(options.map((st): Candidate => () => st)))) break;
      changed = true;
    }
  }
  return changed;
}

/** Chunks (uploads written out chunk by chunk): the violation's chunk kept, ddmin over the rest. */
export async function chunks(x: Search): Promise<boolean> {
  x.begin('chunks');
  const named = x.state.scenario.events.map((e) => ('upload' in e.action ? e.action.upload.addresses : undefined));
  const uploads = x.state.scenario.events.flatMap((e, i) => ('upload' in e.action ? [i] : []));
  if (uploads.some((i) => named[i]?.length !== 1)) return false; // not written out chunk by chunk
  const rest = uploads.filter((i) => named[i]![0] !== x.probe.first?.chunk);
  return ddminPass(x, rest, (base, keep) => withoutEvents(base, rest.filter((i) => !keep.includes(i))));
}

/**
 * Nodes: whole address-prefix groups (halves, quarters, ... by the first bits), then single nodes (ddmin), keeping
 * the violation's node and its chunk's area of responsibility (as the first node pass found them); then, the
 * network small, those nodes one by one as well (all but the violation's own); then links (ddmin). The graph
 * stays connected throughout.
 */
export async function nodes(x: Search): Promise<boolean> {
  x.begin('nodes');
  const violating = () => x.probe.first?.node;
  const protect = (x.protect ??= new Set([...x.probe.aor, violating() ?? '']));
  const removable = (st: State) => st.topology.ids.flatMap((id, i) => (protect.has(id) || id === violating() ? [] : [i]));
  const without = (st: State, gone: readonly number[]) => (gone.length === 0 ? undefined : connected(withoutNodes(st, gone)));
  const all = await x.try([() => without(x.state, removable(x.state))]);
  let changed = all;
  for (let bits = 1; bits <= 16 && !all; bits++) {
    const prefixOf = (st: State, i: number) => st.topology.addrs.head(i) >>> (32 - bits);
    const prefixes = [...new Set(removable(x.state).map((i) => prefixOf(x.state, i)))].sort((a, b) => a - b);
    if (prefixes.length === removable(x.state).length) break;
    if (await eachOf(x, prefixes, (st, p) => without(st, removable(st).filter((i) => prefixOf(st, i) === p)))) changed = true;
  }
  x.begin('single nodes');
  if (await singles(x, removable(x.state))) changed = true;
  // the network small now, the area of responsibility is tried node by node too: only the violation's node stays
  if (await singles(x, x.state.topology.ids.flatMap((id, i) => (protect.has(id) && id !== violating() ? [i] : [])))) changed = true;
  return (await links(x)) || changed;
}

/** ddmin over these nodes (indexes into the current state), the graph kept connected. */
function singles(x: Search, nodes: readonly number[]): Promise<boolean> {
  const ids = nodes.map((i) => x.state.topology.ids[i]!);
  return ddminPass(x, ids, (base, keep) => {
    const gone = ids.filter((id) => !keep.includes(id)).map((id) => base.topology.ids.indexOf(id));
    return gone.length === 0 ? undefined : connected(withoutNodes(base, gone));
  });
}

/** Links (connections the scenario's events do not name): ddmin, the graph kept connected. */
async function links(x: Search): Promise<boolean> {
  x.begin('links');
  const t = x.state.topology;
  const named = new Set<string>();
  const key = (a: number, b: number) => `${Math.min(a, b)}-${Math.max(a, b)}`;
  for (const e of x.state.scenario.events) {
    const body = Object.values(e.action)[0] as Record<string, unknown>;
    if (body.a === undefined || body.b === undefined) continue;
    const [a, b] = [resolveRef(body.a as NodeRef, t), resolveRef(body.b as NodeRef, t)];
    if (typeof a === 'number' && typeof b === 'number') named.add(key(a, b));
  }
  const fixed = t.conns.filter(([a, b]) => named.has(key(a, b)));
  const free = t.conns.filter(([a, b]) => !named.has(key(a, b)));
  return ddminPass(x, free, (base, keep) => connected({ ...base, topology: { ...base.topology, conns: [...fixed, ...keep] } }));
}

function connected(st: State): State | undefined {
  return isConnected(st.topology) ? st : undefined;
}

/** No jitter: uniform latencies at their midpoints (kept when it still fails: a scenario with fewer draws). */
export async function jitter(x: Search): Promise<boolean> {
  x.begin('jitter');
  return x.try([() => withoutJitter(x.state)]);
}
