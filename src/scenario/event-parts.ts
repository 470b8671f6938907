import type { Action, NodeRef, TimedAction } from './schema.js';

/**
 * The parts of scenario events that several passes over them read: node references, the order a run applies
 * events in, and the chunk index space that upload-range verbs (`remove`, `loseData`) count in.
 */

/** Every node reference of an action (`node`, `a`, `b`, partition group members). */
export function refsOf(a: Action): NodeRef[] {
  const body = Object.values(a)[0] as Record<string, unknown>;
  const refs = ['node', 'a', 'b'].flatMap((k) => (k in body ? [body[k] as NodeRef] : []));
  if ('partition' in a && 'groups' in a.partition) refs.push(...a.partition.groups.flat());
  return refs;
}

/** The action with every node reference mapped (undefined: a partition group member is dropped). */
export function mapRefs<R>(a: Action, f: (ref: NodeRef) => R | undefined): Action {
  const [verb, body] = Object.entries(a)[0] as [string, Record<string, unknown>];
  const out: Record<string, unknown> = { ...body };
  for (const k of ['node', 'a', 'b']) if (k in out) out[k] = f(out[k] as NodeRef);
  if ('partition' in a && 'groups' in a.partition) out.groups = a.partition.groups.map((g) => g.flatMap((r) => f(r) ?? []));
  return { [verb]: out } as Action;
}

/** The events in the order a run applies them (by time, ties in file order), each with its index in the file. */
export function inRunOrder(events: readonly TimedAction[]): { e: TimedAction; i: number }[] {
  return events.map((e, i) => ({ e, i })).sort((x, y) => x.e.at - y.e.at || x.i - y.i);
}

/** Each upload event's first chunk (by the event's index in the file), chunks numbered in upload order. */
export function firstChunks(events: readonly TimedAction[]): Map<number, number> {
  const first = new Map<number, number>();
  let next = 0;
  for (const { e, i } of inRunOrder(events)) {
    if (!('upload' in e.action)) continue;
    first.set(i, next);
    next += e.action.upload.chunks;
  }
  return first;
}

/** The events with every chunk range bound (of `remove` and `loseData`) mapped by `f`. */
export function mapChunkRanges(events: readonly TimedAction[], f: (chunk: number) => number): TimedAction[] {
  const ranges = (rs: [number, number][]) => rs.map(([from, to]): [number, number] => [f(from), f(to)]);
  return events.map((e) => {
    const a = e.action;
    if ('remove' in a) return { at: e.at, action: { remove: { ...a.remove, chunks: ranges(a.remove.chunks) } } };
    if ('loseData' in a) return { at: e.at, action: { loseData: { ...a.loseData, chunks: ranges(a.loseData.chunks) } } };
    return e;
  });
}
