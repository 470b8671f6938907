import { CAUSES } from '../check/stream/dup-causes.js';
import type { Obj, Shape } from './report-input.js';

const KINDS = ['links', 'partition', 'down', 'pause', 'churn'];

/** Checks result.json's `diagnosis` (faults, depth, subscriptions, duplicates, drops, per-node counts) for a run of `n` nodes. */
export function checkDiagnosis(v: unknown, n: number, s: Shape): void {
  const d = s.obj(v, '$.diagnosis');
  const node = (o: Obj, k: string, p: string) => {
    s.num(o, k, p);
    if (!Number.isInteger(o[k]) || (o[k] as number) < 0 || (o[k] as number) >= n) s.fail(`${p}.${k}`, `a node index (0..${n - 1})`, o[k]);
  };
  const perNode = (x: unknown, p: string) => s.numArr(x, p, n, 'one per node');

  const faults = s.obj(d.faults, '$.diagnosis.faults');
  s.num(faults, 'dropped', '$.diagnosis.faults');
  s.arr(faults.windows, '$.diagnosis.faults.windows', (w, p) => {
    const o = s.obj(w, p);
    if (!KINDS.includes(o.kind as string)) s.fail(`${p}.kind`, `one of ${KINDS.join(', ')}`, o.kind);
    s.str(o, ['label'], p);
    s.num(o, 'from', p);
    if (o.to !== null) s.num(o, 'to', p);
    if (o.nodes !== null) s.numArr(o.nodes, `${p}.nodes`);
  });

  const depth = s.obj(d.depth, '$.diagnosis.depth');
  const list = s.arr(depth.nodes, '$.diagnosis.depth.nodes', (x, p) => {
    s.numArr(x, p);
    if ((x as number[]).length % 2 !== 0 || (x as number[]).length === 0) s.fail(p, 'pairs [time, depth, ...]', `${(x as number[]).length} numbers`);
  });
  if (list.length !== n) s.fail('$.diagnosis.depth.nodes', `${n} lists (one per node)`, `${list.length} lists`);
  perNode(depth.changes, '$.diagnosis.depth.changes');
  s.num(depth, 'capped', '$.diagnosis.depth');
  s.buckets(depth.groups, '$.diagnosis.depth.groups');

  if (d.subscriptions !== undefined) checkSubscriptions(d.subscriptions, s, node, perNode);
  if (d.duplicates !== undefined) checkDuplicates(d.duplicates, s, node);
  if (d.bee !== undefined) checkBee(d.bee, n, s);

  const drops = s.obj(d.drops, '$.diagnosis.drops');
  perNode(drops.byNode, '$.diagnosis.drops.byNode');
  s.arr(drops.pairs, '$.diagnosis.drops.pairs', (x, p) => {
    const t = s.arr(x, p);
    if (t.length !== 4 || typeof t[3] !== 'string') s.fail(p, '[node, node, drops, reason]', x);
    t.slice(0, 3).forEach((y, i) => (typeof y === 'number' && Number.isInteger(y) && y >= 0 && (i === 2 || y < n) ? undefined : s.fail(`${p}[${i}]`, i === 2 ? 'a count' : `a node index (0..${n - 1})`, y)));
  });
  perNode(d.missing, '$.diagnosis.missing');
  perNode(d.duplicatesByNode, '$.diagnosis.duplicatesByNode');
  s.arr(d.duplicateSenders, '$.diagnosis.duplicateSenders', (x, p) => {
    const t = s.arr(x, p);
    if (t.length !== 3) s.fail(p, '[node, sender, duplicates]', x);
    t.forEach((y, i) => (typeof y === 'number' && Number.isInteger(y) && y >= 0 && (i === 2 || y < n) ? undefined : s.fail(`${p}[${i}]`, i === 2 ? 'a count' : `a node index (0..${n - 1})`, y)));
  });
}

type NodeCheck = (o: Obj, k: string, p: string) => void;

function checkSubscriptions(v: unknown, s: Shape, node: NodeCheck, perNode: (x: unknown, p: string) => void): void {
  const subs = s.obj(v, '$.diagnosis.subscriptions');
  s.buckets(subs.series, '$.diagnosis.subscriptions.series');
  s.arr(subs.changes, '$.diagnosis.subscriptions.changes', (c, p) => {
    const o = s.obj(c, p);
    node(o, 'node', p);
    s.nums(o, ['t', 'bins', 'lo', 'hi', 'peers'], p);
    if (o.kind !== 'subscribe' && o.kind !== 'quit') s.fail(`${p}.kind`, '"subscribe" or "quit"', o.kind);
  });
  perNode(subs.resubscribes, '$.diagnosis.subscriptions.resubscribes');
  perNode(subs.quits, '$.diagnosis.subscriptions.quits');
  s.num(subs, 'capped', '$.diagnosis.subscriptions');
}

function checkDuplicates(v: unknown, s: Shape, node: NodeCheck): void {
  const dup = s.obj(v, '$.diagnosis.duplicates');
  s.nums(s.obj(dup.causes, '$.diagnosis.duplicates.causes'), CAUSES, '$.diagnosis.duplicates.causes');
  s.arr(dup.pairs, '$.diagnosis.duplicates.pairs', (x, p) => {
    const o = s.obj(x, p);
    node(o, 'first', p);
    node(o, 'second', p);
    s.num(o, 'count', p);
    for (const [k, c] of Object.entries(s.obj(o.counts, `${p}.counts`))) if (!CAUSES.includes(k as (typeof CAUSES)[number]) || typeof c !== 'number') s.fail(`${p}.counts.${k}`, `a count of one of ${CAUSES.join(', ')}`, c);
  });
  s.arr(dup.examples, '$.diagnosis.duplicates.examples', (x, p) => {
    const o = s.obj(x, p);
    node(o, 'node', p);
    s.str(o, ['chunk'], p);
    if (!CAUSES.includes(o.cause as (typeof CAUSES)[number])) s.fail(`${p}.cause`, `one of ${CAUSES.join(', ')}`, o.cause);
    for (const k of ['first', 'second']) s.nums(s.obj(o[k], `${p}.${k}`), ['from', 'ruid', 'offeredAt', 'wantedAt', 'at'], `${p}.${k}`);
  });
  s.nums(dup, ['unsolicited', 'untracked'], '$.diagnosis.duplicates');
}

/** Bee's part: radius over time (the depth log's shape), reserve samples, removals by cause, per-node counts. */
function checkBee(v: unknown, n: number, s: Shape): void {
  const b = s.obj(v, '$.diagnosis.bee');
  const radius = s.obj(b.radius, '$.diagnosis.bee.radius');
  const list = s.arr(radius.nodes, '$.diagnosis.bee.radius.nodes', (x, p) => s.numArr(x, p));
  if (list.length !== n) s.fail('$.diagnosis.bee.radius.nodes', `${n} lists (one per node)`, `${list.length} lists`);
  s.numArr(radius.changes, '$.diagnosis.bee.radius.changes', n, 'one per node');
  s.buckets(radius.groups, '$.diagnosis.bee.radius.groups');
  const res = s.obj(b.reserve, '$.diagnosis.bee.reserve');
  s.nums(res, ['width', 'capacity'], '$.diagnosis.bee.reserve');
  s.numArr(res.mean, '$.diagnosis.bee.reserve.mean');
  const samples = (res.mean as number[]).length;
  s.numArr(res.min, '$.diagnosis.bee.reserve.min', samples, 'as many as the means');
  s.numArr(res.max, '$.diagnosis.bee.reserve.max', samples, 'as many as the means');
  s.buckets(b.removals, '$.diagnosis.bee.removals');
  s.numArr(b.evictedByNode, '$.diagnosis.bee.evictedByNode', n, 'one per node');
  s.numArr(b.reserveAtEnd, '$.diagnosis.bee.reserveAtEnd', n, 'one per node');
}
