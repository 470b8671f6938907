import type { Micros } from '../core/units.js';
import { TABLE_ROWS } from './html-kit.js';
import type { ResultJson } from './result.js';

/** One node's trouble in a run, from result.json's diagnosis. */
export interface NodeTrouble {
  index: number;
  id: string;
  /** depth at the end (as the checkers computed it) */
  depth: number;
  up: boolean;
  /** violations naming the node (duplicates not included: they have a column of their own) */
  violations: number;
  /** index into r.violations of the first of them, or -1 */
  firstViolation: number;
  /** AoR pairs not held at the end */
  missing: number;
  /** connections dropped by the protocol, and with whom: [peer, drops], most first */
  drops: number;
  dropPeers: [number, number][];
  /** depth changes after t = 0, and times stopped or paused, for how long in all */
  depthChanges: number;
  downs: number;
  downMicros: Micros;
  /** duplicate deliveries, and who sent the duplicate copies: [peer, duplicates], most first */
  duplicates: number;
  duplicatePeers: [number, number][];
  /** StreamInfoReqs after a connection's first (subscriptions widened), and quit bins derived from depth changes */
  resubscribes: number;
  quits: number;
  /** Bee: the storage radius at the end, its changes, and the chunks the node evicted */
  radius?: number;
  radiusChanges?: number;
  evicted?: number;
}

/** Every node of the run, most troubled first: violations, missing pairs, drops, depth changes and downs, duplicates. */
export function nodeTrouble(r: ResultJson): NodeTrouble[] {
  const d = r.diagnosis;
  if (!d) return [];
  const n = r.nodes.length;
  const rows: NodeTrouble[] = r.nodes.map((x, i) => ({
    index: i, id: x.id, depth: x.depth, up: x.up, violations: 0, firstViolation: -1, missing: d.missing[i] ?? 0,
    drops: d.drops.byNode[i] ?? 0, dropPeers: [], depthChanges: d.depth.changes[i] ?? 0, downs: 0, downMicros: 0,
    duplicates: d.duplicatesByNode[i] ?? 0, duplicatePeers: [], resubscribes: d.subscriptions?.resubscribes[i] ?? 0, quits: d.subscriptions?.quits[i] ?? 0,
    ...(d.bee ? { radius: x.radius ?? 0, radiusChanges: d.bee.radius.changes[i] ?? 0, evicted: d.bee.evictedByNode[i] ?? 0 } : {}),
  }));
  r.violations.forEach((v, k) => {
    const row = v.nodeIndex !== undefined && v.kind !== 'duplicate' ? rows[v.nodeIndex] : undefined;
    if (!row) return;
    row.violations++;
    if (row.firstViolation < 0) row.firstViolation = k;
  });
  for (const [a, b, count] of d.drops.pairs) {
    if (a < n && b < n) rows[a]!.dropPeers.push([b, count]), rows[b]!.dropPeers.push([a, count]);
  }
  for (const [node, peer, count] of d.duplicateSenders) rows[node]?.duplicatePeers.push([peer, count]);
  const end = r.metrics.endMicros;
  for (const w of d.faults.windows) {
    if ((w.kind !== 'down' && w.kind !== 'pause') || w.nodes?.length !== 1) continue;
    const row = rows[w.nodes[0]!];
    if (!row) continue;
    row.downs++;
    row.downMicros += (w.to ?? end) - w.from;
  }
  for (const row of rows) row.dropPeers.sort((x, y) => y[1] - x[1] || x[0] - y[0]);
  return rows.sort(
    (x, y) => y.violations - x.violations || y.missing - x.missing || y.drops - x.drops || y.depthChanges + y.downs - (x.depthChanges + x.downs) || y.duplicates - x.duplicates || x.index - y.index,
  );
}

/** The indexes (into r.violations) of the violations the page lists: all but tolerated duplicates, at most a table's rows. */
export function listedViolations(r: ResultJson): number[] {
  const dupTolerated = r.metrics.duplicates <= (r.expect.maxDuplicates ?? Infinity);
  const out: number[] = [];
  r.violations.forEach((v, i) => (v.kind === 'duplicate' && dupTolerated ? undefined : out.push(i)));
  return out.slice(0, TABLE_ROWS);
}
