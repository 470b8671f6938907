import { readFileSync } from 'node:fs';
import { UsageError, show } from '../core/errors.js';

// The gate's baseline file (scenarios/ci/baseline.json): its shape, reading and validating it, and writing it
// back in a stable, diff-friendly form. The comparison itself is in gate.ts.

/** The metrics the gate compares; for each, more is worse. */
export const GATE_METRICS = ['convergenceMicros', 'messages', 'bytes', 'duplicates', 'redundancy'] as const;
export type GateMetric = (typeof GATE_METRICS)[number];
export type GateMetrics = Record<GateMetric, number>;

/** Relative tolerances a new baseline entry starts with (0.05 = a 5% change is still fine). */
export const DEFAULT_TOLERANCES: GateMetrics = { convergenceMicros: 0.05, messages: 0.02, bytes: 0.02, duplicates: 0.05, redundancy: 0.05 };

export interface SeedEntry {
  verdict: 'pass' | 'fail';
  fingerprint: string;
  metrics: GateMetrics;
}

export interface ScenarioEntry {
  configHash: string;
  tolerances: GateMetrics;
  seeds: Map<number, SeedEntry>;
}

/** baseline.json, keyed by scenario file name (in the suite folder). */
export type Baseline = Map<string, ScenarioEntry>;

/** What one run of one scenario on one seed produced. */
export interface Observed extends SeedEntry {
  configHash: string;
  expected: 'pass' | 'fail';
  firstViolation?: string;
  reproduce: string;
  reproduceHere: string;
  wallMs: number;
}

export const metricsOf = (f: (m: GateMetric) => number): GateMetrics => Object.fromEntries(GATE_METRICS.map((m) => [m, f(m)])) as GateMetrics;
type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export function readBaseline(file: string): Baseline | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  try {
    return parseBaseline(JSON.parse(text), file);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(file, '$', 'valid JSON', (e as Error).message.split('\n')[0]);
  }
}

/** Validates baseline.json; a problem is a UsageError naming the JSON path. */
function parseBaseline(json: unknown, file: string): Baseline {
  const fail = (path: string, expected: string, got: unknown): never => {
    throw new UsageError(file, path, expected, show(got));
  };
  const obj = (v: unknown, path: string): Obj => (isObj(v) ? v : fail(path, 'an object', v));
  const only = (o: Obj, path: string, keys: readonly string[]) => {
    for (const k of Object.keys(o)) if (!keys.includes(k)) fail(`${path}.${k}`, `one of the known keys (${keys.join(', ')})`, k);
  };
  const num = (v: unknown, path: string, expected: string, max: number): number => (typeof v === 'number' && v >= 0 && v <= max ? v : fail(path, expected, v));
  const root = obj(json, '$');
  only(root, '$', ['pullsim', 'kind', 'scenarios']);
  if (root.pullsim !== 1) fail('$.pullsim', 'the format version 1', root.pullsim);
  if (root.kind !== 'gate-baseline') fail('$.kind', '"gate-baseline"', root.kind);
  const out: Baseline = new Map();
  for (const [file, entry] of Object.entries(obj(root.scenarios, '$.scenarios'))) {
    const p = `$.scenarios[${JSON.stringify(file)}]`;
    const e = obj(entry, p);
    only(e, p, ['configHash', 'tolerances', 'seeds']);
    const tol = e.tolerances === undefined ? {} : obj(e.tolerances, `${p}.tolerances`);
    only(tol, `${p}.tolerances`, GATE_METRICS);
    const seeds = new Map<number, SeedEntry>();
    for (const [seed, v] of Object.entries(obj(e.seeds, `${p}.seeds`))) {
      const sp = `${p}.seeds[${JSON.stringify(seed)}]`;
      if (!/^(0|[1-9][0-9]{0,14})$/.test(seed)) fail(sp, 'a seed (a non-negative integer) as the key', seed);
      const s = obj(v, sp);
      only(s, sp, ['verdict', 'fingerprint', 'metrics']);
      const m = obj(s.metrics, `${sp}.metrics`);
      only(m, `${sp}.metrics`, GATE_METRICS);
      seeds.set(Number(seed), {
        verdict: s.verdict === 'pass' || s.verdict === 'fail' ? s.verdict : fail(`${sp}.verdict`, '"pass" or "fail"', s.verdict),
        fingerprint: typeof s.fingerprint === 'string' && /^[0-9a-f]{1,64}$/.test(s.fingerprint) ? s.fingerprint : fail(`${sp}.fingerprint`, 'a hex fingerprint', s.fingerprint),
        metrics: metricsOf((k) => num(m[k], `${sp}.metrics.${k}`, 'a non-negative number', Number.MAX_SAFE_INTEGER)),
      });
    }
    if (seeds.size === 0) fail(`${p}.seeds`, 'at least one seed', e.seeds);
    out.set(file, {
      configHash: typeof e.configHash === 'string' ? e.configHash : fail(`${p}.configHash`, 'a string', e.configHash),
      tolerances: metricsOf((k) => (tol[k] === undefined ? DEFAULT_TOLERANCES[k] : num(tol[k], `${p}.tolerances.${k}`, 'a relative tolerance from 0 to 10 (0.05 = 5%)', 10))),
      seeds,
    });
  }
  return out;
}

/** The baseline recorded from these runs: existing entries keep their tolerances, scenarios gone from the suite are dropped. */
export function updated(old: Baseline | undefined, observed: Map<string, Map<number, Observed>>): Baseline {
  const out: Baseline = new Map();
  for (const [file, runs] of observed) {
    const seeds = new Map<number, SeedEntry>();
    for (const [seed, o] of runs) seeds.set(seed, { verdict: o.verdict, fingerprint: o.fingerprint, metrics: o.metrics });
    out.set(file, { configHash: [...runs.values()][0]!.configHash, tolerances: old?.get(file)?.tolerances ?? DEFAULT_TOLERANCES, seeds });
  }
  return out;
}

/** Stable key order, one value per line: a change to the baseline reads as a small diff. */
export function baselineJson(b: Baseline): string {
  const scenarios: Obj = {};
  for (const [file, e] of b) {
    const seeds: Obj = {};
    for (const seed of [...e.seeds.keys()].sort((x, y) => x - y)) {
      const s = e.seeds.get(seed)!;
      seeds[String(seed)] = { verdict: s.verdict, fingerprint: s.fingerprint, metrics: metricsOf((m) => s.metrics[m]) };
    }
    scenarios[file] = { configHash: e.configHash, tolerances: metricsOf((m) => e.tolerances[m]), seeds };
  }
  return JSON.stringify({ pullsim: 1, kind: 'gate-baseline', scenarios }, null, 2) + '\n';
}
