import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError, show } from '../core/errors.js';
import type { Comparable } from '../report/html.js';
import type { ResultJson } from '../report/result.js';
import { readJsonFile } from '../topology/read-json.js';
import { checkDiagnosis } from './report-diagnosis.js';
import type { SweepJson } from '../report/sweep.js';

// What `pullsim report` and `compare` read: a run's result.json or a sweep summary, every field the pages read
// checked first, so bad input is one UsageError line naming the file and the JSON path.

export type Obj = Record<string, unknown>;
export type Input = Comparable & { file: string };

const WHAT = 'a run folder holding result.json, a result.json file, or a sweep summary JSON';

/** Checks the parts of a JSON document a report reads; each problem is a UsageError naming file and JSON path. */
export class Shape {
  constructor(private readonly file: string) {}
  fail(path: string, expected: string, v: unknown): never {
    throw new UsageError(this.file, path, expected, v === undefined ? 'nothing (the key is missing)' : show(v));
  }
  obj(v: unknown, path: string): Obj {
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : this.fail(path, 'an object', v);
  }
  num(o: Obj, key: string, path: string): void {
    if (typeof o[key] !== 'number' || !Number.isFinite(o[key])) this.fail(`${path}.${key}`, 'a number', o[key]);
  }
  nums(o: Obj, keys: string[], path: string): void {
    for (const k of keys) this.num(o, k, path);
  }
  str(o: Obj, keys: string[], path: string): void {
    for (const k of keys) if (typeof o[k] !== 'string') this.fail(`${path}.${k}`, 'a string', o[k]);
  }
  arr(v: unknown, path: string, each?: (x: unknown, p: string) => void): unknown[] {
    if (!Array.isArray(v)) return this.fail(path, 'an array', v);
    if (each) v.forEach((x, i) => each(x, `${path}[${i}]`));
    return v;
  }
  numArr(v: unknown, path: string, length?: number, what = 'as many as the times'): void {
    const a = this.arr(v, path, (x, p) => (typeof x === 'number' && Number.isFinite(x) ? undefined : this.fail(p, 'a number', x)));
    if (length !== undefined && a.length !== length) this.fail(path, `${length} numbers (${what})`, `${a.length} numbers`);
  }
  /** {width, rows: {name: number[]}}: counts in buckets of `width` micros. */
  buckets(v: unknown, path: string): void {
    const o = this.obj(v, path);
    if (typeof o.width !== 'number' || !(o.width > 0)) this.fail(`${path}.width`, 'a positive number of micros', o.width);
    const rows = this.obj(o.rows, `${path}.rows`);
    for (const [k, r] of Object.entries(rows)) this.numArr(r, `${path}.rows.${k}`);
  }
}

function checkResult(json: Obj, s: Shape): ResultJson {
  s.str(json, ['scenario', 'description', 'configHash', 'fingerprint', 'reproduce'], '$');
  s.num(json, 'seed', '$');
  if (json.verdict !== 'pass' && json.verdict !== 'fail') s.fail('$.verdict', '"pass" or "fail"', json.verdict);
  s.obj(json.config, '$.config');
  const expect = s.obj(json.expect, '$.expect');
  if (expect.maxDuplicates !== null) s.nums(expect, ['maxDuplicates'], '$.expect');
  const m = s.obj(json.metrics, '$.metrics');
  s.nums(m, ['nodes', 'chunks', 'convergenceMicros', 'endMicros', 'events', 'messagesTotal', 'bytes', 'deliveries', 'duplicates', 'redundancy', 'aorPairs', 'aorHeld', 'wallMs'], '$.metrics');
  for (const k of ['messages', 'drops']) for (const [name, v] of Object.entries(s.obj(m[k], `$.metrics.${k}`))) if (typeof v !== 'number') s.fail(`$.metrics.${k}.${name}`, 'a number', v);
  s.arr(json.violations, '$.violations', (v, p) => {
    const o = s.obj(v, p);
    s.str(o, ['kind', 'detail'], p);
    s.num(o, 'at', p);
    for (const k of ['node', 'chunk']) if (o[k] !== undefined && (typeof o[k] !== 'string' || !/^[0-9a-f]{64}$/.test(o[k] as string))) s.fail(`${p}.${k}`, `a 64-hex-digit ${k === 'node' ? 'node id' : 'chunk address'}`, o[k]);
    if (o.nodeIndex !== undefined) s.num(o, 'nodeIndex', p);
  });
  if (json.warnings !== undefined) s.arr(json.warnings, '$.warnings', (w, p) => (typeof w === 'string' ? undefined : s.fail(p, 'a string', w)));
  for (const k of ['quietMicros', 'pendingEvents']) if (m[k] !== undefined) s.num(m, k, '$.metrics');
  s.obj(json.truncated, '$.truncated');
  s.arr(json.nodes, '$.nodes', (n, p) => {
    const o = s.obj(n, p);
    s.nums(o, ['index', 'depth'], p);
    if (o.radius !== undefined) s.num(o, 'radius', p);
  });
  s.arr(json.links, '$.links');
  const series = s.obj(json.series, '$.series');
  const conv = s.obj(series.convergence, '$.series.convergence');
  s.numArr(conv.t, '$.series.convergence.t');
  const times = (conv.t as number[]).length;
  s.numArr(conv.aor, '$.series.convergence.aor', times);
  s.numArr(conv.beyond, '$.series.convergence.beyond', times);
  for (const [d, g] of Object.entries(s.obj(series.byDepth, '$.series.byDepth'))) {
    const p = `$.series.byDepth.${d}`;
    const o = s.obj(g, p);
    s.numArr(o.t, `${p}.t`);
    s.numArr(o.held, `${p}.held`, (o.t as number[]).length);
    s.num(o, 'pairs', p);
  }
  for (const k of ['messages', 'bytes', 'duplicates']) s.buckets(series[k], `$.series.${k}`);
  const lat = s.obj(series.latency, '$.series.latency');
  s.nums(lat, ['count', 'p50', 'p90', 'p99', 'max'], '$.series.latency');
  s.arr(lat.histogram, '$.series.latency.histogram', (b, p) => s.nums(s.obj(b, p), ['from', 'to', 'count'], p));
  s.arr(series.nodeCompletion, '$.series.nodeCompletion', (n, p) => {
    const o = s.obj(n, p);
    s.nums(o, ['index', 'depth', 'pairs'], p);
    if (o.completedAt !== null) s.num(o, 'completedAt', p);
  });
  s.arr(series.marks, '$.series.marks', (x, p) => {
    const o = s.obj(x, p);
    s.num(o, 'at', p);
    s.str(o, ['label'], p);
  });
  s.numArr(series.degree, '$.series.degree');
  if (json.diagnosis !== undefined) checkDiagnosis(json.diagnosis, (json.nodes as unknown[]).length, s);
  return json as unknown as ResultJson;
}

function checkSweep(json: Obj, s: Shape): SweepJson {
  s.str(json, ['scenario', 'file', 'configHash', 'seeds'], '$');
  s.nums(s.obj(json.counts, '$.counts'), ['seeds', 'pass', 'fail', 'expectationMet'], '$.counts');
  s.nums(s.obj(json.convergence, '$.convergence'), ['p50', 'p90', 'p99', 'max'], '$.convergence');
  s.nums(s.obj(json.duplicates, '$.duplicates'), ['total', 'seedsWithDuplicates', 'max'], '$.duplicates');
  s.arr(json.failing, '$.failing', (f, p) => {
    const o = s.obj(f, p);
    s.num(o, 'seed', p);
    s.str(o, ['reason', 'reproduce'], p);
  });
  s.arr(json.runs, '$.runs', (r, p) => {
    const o = s.obj(r, p);
    s.nums(o, ['seed', 'convergenceMicros', 'duplicates', 'messages', 'bytes', 'events'], p);
    if (typeof o.expectationMet !== 'boolean') s.fail(`${p}.expectationMet`, 'true or false', o.expectationMet);
  });
  return json as unknown as SweepJson;
}

/** Reads a run folder, a result.json or a sweep summary, checking every field a report reads. */
export function readReportInput(path: string): Input {
  const file = existsSync(path) && statSync(path).isDirectory() ? join(path, 'result.json') : path;
  const json = readJsonFile(file, WHAT);
  const s = new Shape(file);
  const root = s.obj(json, '$');
  if (root.pullsim !== 1) s.fail('$.pullsim', 'the format version 1 (a pullsim result.json or sweep summary)', root.pullsim);
  if (root.kind === undefined && root.topology !== undefined) s.fail('$', `${WHAT} (this is a scenario file: run it with pullsim run)`, 'a scenario');
  if (root.kind === 'sweep') return { kind: 'sweep', sweep: checkSweep(root, s), file };
  if (root.kind !== undefined) s.fail('$.kind', '"sweep" or no kind (a run result)', root.kind);
  return { kind: 'run', result: checkResult(root, s), file };
}

