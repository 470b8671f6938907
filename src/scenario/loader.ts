import { basename, dirname, resolve } from 'node:path';
import { UsageError, show } from '../core/errors.js';
import { generateTopology } from '../topology/generate.js';
import { shapedTopology } from '../topology/shapes.js';
import { loadSnapshot } from '../topology/snapshot.js';
import { readJsonFile } from '../topology/read-json.js';
import type { Topology } from '../topology/topology.js';
import { inRunOrder } from './event-parts.js';
import { parseScenario, type NodeRef, type Scenario } from './schema.js';

export interface Loaded {
  scenario: Scenario;
  topology: Topology;
}

/** Reads, validates and resolves a scenario file and its topology; bad input is a UsageError. */
export function loadScenario(file: string): Loaded {
  const json = readJsonFile(file, 'a scenario file');
  const scenario = parseScenario(json, file, basename(file).replace(/\.json$/, ''));
  let topology: Topology;
  if ('snapshot' in scenario.topology) {
    const path = resolve(dirname(file), scenario.topology.snapshot);
    try {
      topology = loadSnapshot(path);
    } catch (e) {
      if (e instanceof UsageError && e.path === '$' && e.file === path && e.expected.startsWith('a snapshot file')) {
        // the path as written, whole, and where it led: a relative path resolves against the scenario's folder
        const shared = /(^|\/)shared\//.test(scenario.topology.snapshot) ? '; the real snapshots come from ../shared/, which must sit beside the repository' : '';
        throw new UsageError(file, '$.topology.snapshot', `an existing snapshot file (relative paths resolve against the scenario's folder${shared})`, `${JSON.stringify(scenario.topology.snapshot)}, which is ${path}: ${e.got ?? e.expected}`);
      }
      throw e;
    }
  } else {
    const g = scenario.topology.generate;
    topology =
      g.shape === 'hive'
        ? generateTopology(g.nodes, g.seed, { binSize: g.binSize, neighbourhoodSize: scenario.protocol.neighbourhoodSize })
        : shapedTopology(g.shape, g.nodes, g.seed);
  }
  checkRefs(scenario, topology);
  return { scenario, topology };
}

/** A parsed scenario file (`json`, as read from `file`) on a topology already at hand: validated, references checked. */
export function scenarioOn(json: unknown, file: string, topology: Topology): Loaded {
  const scenario = parseScenario(json, file, basename(file).replace(/\.json$/, ''));
  checkRefs(scenario, topology);
  return { scenario, topology };
}

/** A node reference resolved against a topology: an index, or undefined for "random" (drawn at run time). */
export function resolveRef(ref: NodeRef, t: Topology): number | undefined | 'unknown' | 'ambiguous' {
  if (ref === 'random') return undefined;
  if (typeof ref === 'number') return ref < t.ids.length ? ref : 'unknown';
  const hits = t.ids.flatMap((id, i) => (id.startsWith(ref) ? [i] : []));
  return hits.length === 1 ? hits[0]! : hits.length === 0 ? 'unknown' : 'ambiguous';
}

/**
 * Node references against the topology: each names one node; the two ends of a connect, disconnect or link change
 * are two nodes; a node is in one partition group only; a disconnect or a link change names a pair that is linked
 * (in the topology, or by an earlier connect event).
 */
function checkRefs(s: Scenario, t: Topology): void {
  const check = (ref: NodeRef, path: string): number | undefined => {
    const r = resolveRef(ref, t);
    if (r === 'unknown' || r === 'ambiguous') {
      const expected = r === 'unknown' ? `a node of the topology (index 0..${t.ids.length - 1} or an id prefix)` : 'an id prefix that names exactly one node';
      throw new UsageError(s.file, path, expected, show(ref));
    }
    return r;
  };
  const n = t.ids.length;
  const key = (a: number, b: number) => Math.min(a, b) * n + Math.max(a, b);
  const linked = new Set(t.conns.map(([a, b]) => key(a, b)));
  for (const { e, i } of inRunOrder(s.events)) {
    const [verb, body] = Object.entries(e.action)[0] as [string, Record<string, unknown>];
    const at: Record<string, number | undefined> = {};
    for (const k of ['node', 'a', 'b']) if (k in body) at[k] = check(body[k] as NodeRef, `$.events[${i}].${verb}.${k}`);
    const { a, b } = at;
    if (a !== undefined && b !== undefined) {
      if (a === b) throw new UsageError(s.file, `$.events[${i}].${verb}.b`, `a node other than "a" (both name node ${a})`, show(body.b));
      if (verb === 'connect') linked.add(key(a, b));
      else if (!linked.has(key(a, b))) {
        throw new UsageError(s.file, `$.events[${i}].${verb}`, `a linked pair (nodes ${a} and ${b} have no link in the topology and no earlier connect event joins them)`, show(body));
      }
    }
    if ('partition' in e.action && 'groups' in e.action.partition) {
      const group = new Map<number, string>();
      e.action.partition.groups.forEach((g, gi) =>
        g.forEach((ref, j) => {
          const path = `$.events[${i}].partition.groups[${gi}][${j}]`;
          const node = check(ref, path)!;
          const other = group.get(node);
          if (other !== undefined) throw new UsageError(s.file, path, `a node in one group only (node ${node} is also at ${other})`, show(ref));
          group.set(node, path);
        }),
      );
    }
  }
}
