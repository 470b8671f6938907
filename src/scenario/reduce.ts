import { withoutNode as topologyWithoutNode } from '../topology/remove.js';
import type { Loaded } from './loader.js';
import { resolveRef } from './loader.js';
import { firstChunks, mapChunkRanges, mapRefs, refsOf } from './event-parts.js';
import type { NodeRef, Scenario, TimedAction } from './schema.js';

/**
 * Smaller scenarios for shrinking a failing run: without one event, or without one node. Every draw of a run is keyed
 * by what it is for (src/core/keyed.ts), so what remains draws exactly as before.
 */

/**
 * The scenario without event `index`. Dropping an upload also takes its chunks out of the index space that `remove`
 * and `loseData` ranges count in (chunks in upload order: events by time, ties in file order), so later ranges name the same chunks.
 */
export function withoutEvent(s: Scenario, index: number): Scenario {
  if (s.events[index] === undefined) throw new Error(`assertion failed: no event ${index} among ${s.events.length}`);
  return withoutEvents(s, [index]);
}

/** The scenario without these events (withoutEvent for many at once: one pass, whatever their number). */
export function withoutEvents(s: Scenario, indexes: Iterable<number>): Scenario {
  const gone = new Set(indexes);
  const cuts: [number, number][] = [];
  for (const [i, first] of firstChunks(s.events)) {
    const e = s.events[i]!.action;
    if (gone.has(i) && 'upload' in e) cuts.push([first, first + e.upload.chunks]);
  }
  const at = (c: number): number => cuts.reduce((n, [from, to]) => n - Math.min(Math.max(c - from, 0), to - from), c);
  const events = s.events.filter((_, i) => !gone.has(i));
  return { ...s, events: cuts.length === 0 ? events : mapChunkRanges(events, at) };
}

/**
 * The loaded scenario without node `node`: the topology without it (later indexes move down by one), index
 * references renumbered to the same nodes, and every event that names the node dropped (with withoutEvent, so
 * chunk ranges follow), except a partition, whose group just loses it. Id-prefix references stay as written
 * (a prefix unique among all nodes is unique among fewer); "random" stays "random".
 */
export function withoutNode(loaded: Loaded, node: number): Loaded {
  const { scenario, topology } = loaded;
  const names = (ref: NodeRef): boolean => resolveRef(ref, topology) === node;
  const renumber = (ref: NodeRef): NodeRef => (typeof ref === 'number' && ref > node ? ref - 1 : ref);
  const s = withoutEvents(scenario, scenario.events.flatMap((e, i) => (refsOf(e.action).some(names) && !('partition' in e.action) ? [i] : [])));
  const events = s.events.map((e): TimedAction => ({ at: e.at, action: mapRefs(e.action, (r) => (names(r) ? undefined : renumber(r))) }));
  return { scenario: { ...s, events }, topology: topologyWithoutNode(topology, node) };
}
