import { textKey, type Key } from '../core/keyed.js';
import type { Topology } from '../topology/topology.js';
import { mapRefs } from './event-parts.js';
import { resolveRef } from './loader.js';
import type { NodeRef, TimedAction } from './schema.js';

/**
 * The key of every event of a scenario (src/core/keyed.ts): a hash of what it says, never of where it stands in
 * the list, so removing an earlier event does not change a later one's draws. What it says: its time, verb and
 * body, with every node reference written as the node's address (an index or an id prefix names the node, not a
 * place in the topology; "random" stays "random"), and, among events that say exactly the same, its occurrence.
 */
export function eventKeys(events: readonly TimedAction[], t: Topology): Key[] {
  const seen = new Map<string, number>();
  return events.map((e) => {
    const text = canonicalEvent(e, t);
    const n = seen.get(text) ?? 0;
    seen.set(text, n + 1);
    return textKey(`${text}#${n}`);
  });
}

/** An event as canonical text: [at, verb, body], node references as full ids. */
export function canonicalEvent(e: TimedAction, t: Topology): string {
  const id = (ref: NodeRef): string => {
    const r = resolveRef(ref, t);
    return typeof r === 'number' ? t.ids[r]! : String(ref);
  };
  const [[verb, body]] = Object.entries(mapRefs(e.action, id));
  return JSON.stringify([e.at, verb, body]);
}
