import { basename, dirname, resolve } from 'node:path';
import { UsageError, show } from '../core/errors.js';
import { generateTopology } from '../topology/generate.js';
import { shapedTopology } from '../topology/shapes.js';
import { loadSnapshot } from '../topology/snapshot.js';
import { readJsonFile } from '../topology/read-json.js';
import type { Topology } from '../topology/topology.js';
import { parseScenario, type NodeRef, type Scenario } from './schema.js';

export interface Loaded {
  scenario: Scenario;
  topology: Topology;
}

/** Reads, validates and resolves a scenario file and its topology; bad input is a UsageError. */
export function loadScenario(file: string): Loaded {
  const json = readJsonFile(file, 'scenario file');
  const scenario = parseScenario(json, file, basename(file).replace(/\.json$/, ''));
  let topology: Topology;
  if ('snapshot' in scenario.topology) {
    const path = resolve(dirname(file), scenario.topology.snapshot);
    try {
      topology = loadSnapshot(path);
    } catch (e) {
      if (e instanceof UsageError && e.path === '$' && e.got === 'no such file') throw new UsageError(file, '$.topology.snapshot', 'an existing snapshot file', show(scenario.topology.snapshot));
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

/** A node reference resolved against a topology: an index, or undefined for "random" (drawn at run time). */
export function resolveRef(ref: NodeRef, t: Topology): number | undefined | 'unknown' | 'ambiguous' {
  if (ref === 'random') return undefined;
  if (typeof ref === 'number') return ref < t.ids.length ? ref : 'unknown';
  const hits = t.ids.flatMap((id, i) => (id.startsWith(ref) ? [i] : []));
  return hits.length === 1 ? hits[0]! : hits.length === 0 ? 'unknown' : 'ambiguous';
}

function checkRefs(s: Scenario, t: Topology): void {
  const check = (ref: NodeRef, path: string) => {
    const r = resolveRef(ref, t);
    if (r === 'unknown' || r === 'ambiguous') {
      const expected = r === 'unknown' ? `a node of the topology (index 0..${t.ids.length - 1} or an id prefix)` : 'an id prefix that names exactly one node';
      throw new UsageError(s.file, path, expected, show(ref));
    }
  };
  s.events.forEach((e, i) => {
    const [verb, body] = Object.entries(e.action)[0] as [string, Record<string, unknown>];
    for (const k of ['node', 'a', 'b']) if (k in body) check(body[k] as NodeRef, `$.events[${i}].${verb}.${k}`);
    if ('partition' in e.action && 'groups' in e.action.partition) {
      e.action.partition.groups.forEach((g, gi) => g.forEach((ref, j) => check(ref, `$.events[${i}].partition.groups[${gi}][${j}]`)));
    }
  });
}
