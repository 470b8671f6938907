import { readdirSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import chalk from 'chalk';
import { UsageError } from '../core/errors.js';
import { formatMicros } from '../core/units.js';
import { buildResult, configHash } from '../report/result.js';
import { loadScenario } from '../scenario/loader.js';
import { runScenario } from '../scenario/runner.js';
import { checkFile, writeFile } from './files.js';
import { out } from './io.js';
import { bad, bold, dim, fmtInt, ok } from './output.js';
import { portablePath, terminalLine } from './reproduce.js';
import { parseSeeds } from './sweep.js';
import { DEFAULT_TOLERANCES, GATE_METRICS, baselineJson, readBaseline, updated, type Baseline, type GateMetric, type Observed, type ScenarioEntry } from './gate-baseline.js';

type Change = 'same' | 'within' | 'worse' | 'better' | 'new';

interface MetricDelta {
  metric: GateMetric;
  baseline: number | null;
  current: number | null;
  /** (current - baseline) / baseline; null without both values or when the baseline is 0 */
  relative: number | null;
  tolerance: number;
  change: Change;
}

/** One scenario × seed compared with the baseline: a row of the table, a JUnit test case, an entry of --json's rows. */
interface GateRow {
  file: string;
  seed: number;
  /** missing: no baseline entry for a run, or a baseline entry whose scenario file is gone */
  status: 'ok' | 'improved' | 'fail' | 'missing';
  verdict: { baseline: string | null; current: string | null };
  fingerprint: { baseline: string | null; current: string | null };
  metrics: MetricDelta[];
  /** why the row fails */
  problems: string[];
  /** reported, not failing: improvements, an allowed trajectory change, a changed scenario config */
  notes: string[];
  reproduce: string | null;
  /** the reproduce line for this machine's terminal (absolute paths) */
  reproduceHere?: string | null;
  wallMs: number;
}

export interface GateArgs {
  suite: string;
  baseline?: string;
  update: boolean;
  json: boolean;
  junit?: string;
  allowTrajectoryChange: boolean;
  /** with --update: seeds to record for scenarios not yet in the baseline (default: each scenario's seed) */
  seeds?: string;
  /** replace a JUnit file that is not pullsim's */
  force?: boolean;
}

/** `pullsim gate`: runs a suite of scenarios on the baseline's seeds and fails on a regression against it. */
export function gateCommand(a: GateArgs): number {
  const wall0 = performance.now();
  const baselineFile = a.baseline ?? join(a.suite, 'baseline.json');
  if (a.seeds !== undefined && !a.update) throw new UsageError('command line', '--seeds', '--seeds only together with --update (it picks the seeds a new baseline entry records)');
  const files = suiteFiles(a.suite, baselineFile);
  const old = readBaseline(baselineFile);
  if (!old && !a.update) throw new UsageError(baselineFile, '$', 'a gate baseline (create one with `pullsim gate --update`, review it, commit it)', 'no such file');
  if (a.junit !== undefined) checkFile(a.junit, 'junit', { flag: '--junit', force: a.force ?? false });
  if (a.update) checkFile(baselineFile, 'baseline', { flag: a.baseline === undefined ? 'the suite\'s baseline.json' : '--baseline' });
  const observed = runSuite(a.suite, files, old, a.seeds === undefined ? undefined : parseSeeds(a.seeds));
  const rows = compareAll(old ?? new Map(), observed, a.allowTrajectoryChange);
  const wallMs = performance.now() - wall0;
  if (a.junit !== undefined) writeFile(a.junit, junitXml(a.suite, rows, wallMs));
  if (a.update) writeFile(baselineFile, baselineJson(updated(old, observed)));
  const failing = rows.filter((r) => r.status === 'fail' || r.status === 'missing').length;
  if (a.json) out(JSON.stringify({ pullsim: 1, kind: 'gate', suite: a.suite, baseline: baselineFile, updated: a.update, passed: failing === 0, wallMs: Math.round(wallMs), rows }, null, 2));
  else out(gateText(a, baselineFile, rows, observed, wallMs).join('\n'));
  return a.update || failing === 0 ? 0 : 1;
}

/** Runs each scenario on the seeds its baseline entry lists (a new one: `newSeeds`, else the scenario's seed). */
function runSuite(suite: string, files: string[], old: Baseline | undefined, newSeeds: number[] | undefined): Map<string, Map<number, Observed>> {
  const observed = new Map<string, Map<number, Observed>>();
  for (const file of files) {
    const { scenario, topology } = loadScenario(join(suite, file));
    const hash = configHash(scenario, topology);
    const runs = new Map<number, Observed>();
    for (const seed of old?.get(file)?.seeds.keys() ?? newSeeds ?? [scenario.seed]) {
      const t0 = performance.now();
      const r = buildResult(runScenario(scenario, topology, { seed }), portablePath(join(suite, file)), hash);
      const m = r.metrics;
      const first = r.violations[0];
      runs.set(seed, {
        verdict: r.verdict,
        fingerprint: r.fingerprint,
        metrics: { convergenceMicros: m.convergenceMicros, messages: m.messagesTotal, bytes: m.bytes, duplicates: m.duplicates, redundancy: m.redundancy },
        configHash: hash,
        expected: r.expect.verdict,
        ...(first ? { firstViolation: `${first.kind}: ${first.detail}` } : {}),
        reproduce: r.reproduce,
        reproduceHere: terminalLine(join(suite, file), { seed }),
        wallMs: performance.now() - t0,
      });
    }
    observed.set(file, runs);
  }
  return observed;
}

/** The scenario files of a suite folder, sorted by name; the baseline file is not one. */
function suiteFiles(suite: string, baselineFile: string): string[] {
  let names: string[];
  try {
    if (!statSync(suite).isDirectory()) throw new Error('not a folder');
    names = readdirSync(suite);
  } catch {
    throw new UsageError(suite, '$', 'a suite folder of scenario files and a baseline.json', 'no such folder');
  }
  // a suite folder's own baseline.json is never a scenario, whichever baseline this run reads
  const files = names.filter((f) => f.endsWith('.json') && f !== 'baseline.json' && resolve(suite, f) !== resolve(baselineFile)).sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
  if (files.length === 0) throw new UsageError(suite, '$', 'at least one scenario .json file in the suite folder', 'none');
  return files;
}

function compareAll(base: Baseline, observed: Map<string, Map<number, Observed>>, allowTrajectoryChange: boolean): GateRow[] {
  const rows: GateRow[] = [];
  const files = [...new Set([...observed.keys(), ...base.keys()])].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
  for (const file of files) {
    const entry = base.get(file);
    const runs = observed.get(file) ?? new Map<number, Observed>();
    const seeds = [...new Set([...runs.keys(), ...(entry?.seeds.keys() ?? [])])].sort((x, y) => x - y);
    for (const seed of seeds) rows.push(compareRun(file, seed, entry, runs.get(seed), allowTrajectoryChange));
  }
  return rows;
}

function compareRun(file: string, seed: number, entry: ScenarioEntry | undefined, cur: Observed | undefined, allow: boolean): GateRow {
  const base = entry?.seeds.get(seed);
  const tol = entry?.tolerances ?? DEFAULT_TOLERANCES;
  const problems: string[] = [];
  const notes: string[] = [];
  const metrics = GATE_METRICS.map((m) => delta(m, base?.metrics[m] ?? null, cur?.metrics[m] ?? null, tol[m]));
  if (!cur) problems.push('in the baseline but not run: its scenario file is gone from the suite (run `pullsim gate --update` to drop it)');
  else if (!base) problems.push('no baseline entry for this scenario and seed (run `pullsim gate --update`, review the diff, commit)');
  else {
    if (cur.verdict !== base.verdict) problems.push(`verdict ${base.verdict} -> ${cur.verdict}${cur.firstViolation ? ` (${cur.firstViolation})` : ''}`);
    if (cur.fingerprint !== base.fingerprint) {
      const what = `trajectory changed: fingerprint ${base.fingerprint} -> ${cur.fingerprint}`;
      if (allow) notes.push(`${what} (allowed)`);
      else problems.push(`${what} (if intended: --allow-trajectory-change, or update the baseline)`);
    }
    if (entry && cur.configHash !== entry.configHash) notes.push(`scenario config changed since the baseline (configHash ${entry.configHash} -> ${cur.configHash})`);
    for (const d of metrics) {
      if (d.change === 'worse') problems.push(`${d.metric} regressed: ${describe(d)}`);
      if (d.change === 'better') notes.push(`${d.metric} improved: ${describe(d)} — update the baseline`);
    }
  }
  const status = !cur || !base ? 'missing' : problems.length > 0 ? 'fail' : metrics.some((d) => d.change === 'better') ? 'improved' : 'ok';
  return {
    file,
    seed,
    status,
    verdict: { baseline: base?.verdict ?? null, current: cur?.verdict ?? null },
    fingerprint: { baseline: base?.fingerprint ?? null, current: cur?.fingerprint ?? null },
    metrics,
    problems,
    notes,
    reproduce: cur?.reproduce ?? null,
    reproduceHere: cur?.reproduceHere ?? null,
    wallMs: Math.round(cur?.wallMs ?? 0),
  };
}

/** More is worse for every gate metric; a change beyond the relative tolerance is worse or better. */
function delta(metric: GateMetric, baseline: number | null, current: number | null, tolerance: number): MetricDelta {
  if (baseline === null || current === null) return { metric, baseline, current, relative: null, tolerance, change: 'new' };
  const relative = baseline === 0 ? null : (current - baseline) / baseline;
  const change: Change = current === baseline ? 'same' : current - baseline > tolerance * baseline ? 'worse' : baseline - current > tolerance * baseline ? 'better' : 'within';
  return { metric, baseline, current, relative, tolerance, change };
}

const fmt = (m: GateMetric, v: number) => (m === 'convergenceMicros' ? formatMicros(v) : fmtInt(v));
const pct = (d: MetricDelta) => (d.relative === null ? 'was 0' : `${d.relative >= 0 ? '+' : ''}${(d.relative * 100).toFixed(1)}%`);
const describe = (d: MetricDelta) => `${fmt(d.metric, d.baseline!)} -> ${fmt(d.metric, d.current!)} (${pct(d)}, tolerance ${+(d.tolerance * 100).toFixed(2)}%)`;

type Cell = [text: string, paint?: (s: string) => string];
const HEADER = ['scenario', 'seed', 'verdict', 'trajectory', 'convergence', 'messages', 'bytes', 'duplicates', 'redundancy', 'result'];
const LEFT = new Set(['scenario', 'verdict', 'trajectory', 'result']);
const yellow = (s: string) => chalk.yellow(s);

/** The table of deltas, then what each failing or noteworthy run changed, then the outcome. */
function gateText(a: GateArgs, baselineFile: string, rows: GateRow[], observed: Map<string, Map<number, Observed>>, wallMs: number): string[] {
  const table = rows.map((r): Cell[] => {
    const fp = r.fingerprint;
    const trajectory: Cell = fp.baseline === null || fp.current === null ? ['-', dim] : fp.baseline === fp.current ? ['same', dim] : ['CHANGED', a.allowTrajectoryChange || a.update ? yellow : bad];
    const verdict: Cell = r.verdict.current === null ? ['-', dim] : [r.verdict.current, r.verdict.baseline !== null && r.verdict.current !== r.verdict.baseline ? bad : undefined];
    const metrics = r.metrics.map((d): Cell => {
      if (d.current === null) return ['-', dim];
      if (d.change === 'new') return [`${fmt(d.metric, d.current)} ${''.padEnd(6)}`];
      const paint = d.change === 'worse' ? (a.update ? yellow : bad) : d.change === 'better' ? yellow : undefined;
      return [`${fmt(d.metric, d.current)} ${(d.change === 'same' ? '=' : pct(d)).padEnd(6)}`, paint];
    });
    return [[r.file.replace(/\.json$/, '')], [String(r.seed)], verdict, trajectory, ...metrics, resultCell(a, r)];
  });
  const widths = HEADER.map((h, i) => Math.max(h.length, ...table.map((row) => row[i]![0].length)));
  const line = (cells: Cell[]) =>
    cells
      .map(([t, paint], i) => {
        const s = LEFT.has(HEADER[i]!) ? t.padEnd(widths[i]!) : t.padStart(widths[i]!);
        return paint ? paint(s) : s;
      })
      .join('  ')
      .trimEnd();
  const out = [`${bold('pullsim gate')} ${a.suite}  baseline ${baselineFile}${a.update ? '  (updating)' : ''}`, line(HEADER.map((h, i): Cell => [i >= 4 && i < 9 ? `${h} ${''.padEnd(6)}` : h, bold])), ...table.map(line)];
  for (const r of rows) {
    if ((r.problems.length === 0 && r.notes.length === 0) || (a.update && r.status === 'missing')) continue;
    out.push(`${r.file} seed ${r.seed}:`);
    for (const p of r.problems) out.push(`  ${a.update ? yellow(p) : bad(p)}`);
    for (const n of r.notes) out.push(`  ${yellow(n)}`);
    if (r.reproduce && r.problems.length > 0 && !a.update) out.push(`  ${dim(`reproduce: ${r.reproduceHere ?? r.reproduce}`)}`);
  }
  const tally = new Map<string, number>();
  for (const [label] of rows.map((r) => resultCell(a, r))) tally.set(label, (tally.get(label) ?? 0) + 1);
  const runs = [...observed.values()].reduce((n, m) => n + m.size, 0);
  const counts = (a.update ? ['same', 'updated', 'new', 'dropped'] : ['ok', 'improved', 'FAIL', 'MISSING']).map((k) => `${tally.get(k) ?? 0} ${k.toLowerCase()}`);
  out.push(`${fmtInt(runs)} runs of ${observed.size} scenario${observed.size === 1 ? '' : 's'} in ${(wallMs / 1000).toFixed(1)} s wall: ${counts.join(', ')}`);
  const failing = rows.filter((r) => r.status === 'fail' || r.status === 'missing').length;
  if (a.update) {
    for (const [file, m] of observed) for (const [seed, o] of m) if (o.verdict !== o.expected) out.push(yellow(`warning: ${file} seed ${seed} ended ${o.verdict} but the scenario expects ${o.expected}; recorded as is`));
    out.push(`baseline ${baselineFile} rewritten from these runs: review the diff (git diff ${baselineFile}) and commit it`);
  } else if (failing > 0) out.push(bad(`gate FAILED: ${failing} of ${rows.length} runs regressed or have no baseline. If the change is deliberate: npx pullsim gate --update, review the diff, commit.`));
  else out.push(ok('gate passed'));
  if (a.junit !== undefined) out.push(dim(`junit ${a.junit}`));
  return out;
}

function resultCell(a: GateArgs, r: GateRow): Cell {
  if (a.update) {
    if (r.status === 'missing') return r.fingerprint.current === null ? ['dropped', yellow] : ['new', yellow];
    const same = r.fingerprint.baseline === r.fingerprint.current && r.verdict.baseline === r.verdict.current && r.metrics.every((d) => d.change === 'same');
    return same ? ['same', ok] : ['updated', yellow];
  }
  if (r.status === 'ok') return ['ok', ok];
  if (r.status === 'improved') return ['improved', yellow];
  return r.status === 'fail' ? ['FAIL', bad] : ['MISSING', bad];
}

const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** JUnit XML: one test case per scenario × seed, failing with its problems and every metric's delta. */
function junitXml(suite: string, rows: GateRow[], wallMs: number): string {
  const failures = rows.filter((r) => r.status === 'fail' || r.status === 'missing').length;
  const time = (ms: number) => (ms / 1000).toFixed(3);
  const head = `tests="${rows.length}" failures="${failures}" errors="0" time="${time(wallMs)}"`;
  const out = ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuites name="pullsim gate" ${head}>`, `  <testsuite name="${xml(`pullsim gate ${basename(suite)}`)}" ${head} skipped="0">`];
  for (const r of rows) {
    const stem = r.file.replace(/\.json$/, '');
    out.push(`    <testcase classname="${xml(`pullsim.gate.${stem}`)}" name="${xml(`${stem} seed ${r.seed}`)}" time="${time(r.wallMs)}">`);
    const deltas = r.metrics.map((d) => (d.baseline === null || d.current === null ? `${d.metric}: ${d.current === null ? 'not run' : `${fmt(d.metric, d.current)} (no baseline)`}` : `${d.metric}: ${describe(d)} ${d.change}`));
    if (r.problems.length > 0) out.push(`      <failure type="${r.status === 'missing' ? 'missing-baseline' : 'regression'}" message="${xml(r.problems.join('; '))}">${xml([...r.problems, '', ...deltas, ...(r.reproduce ? ['', `reproduce: ${r.reproduce}`] : [])].join('\n'))}</failure>`);
    else out.push(`      <system-out>${xml([...r.notes, ...deltas].join('\n'))}</system-out>`);
    out.push('    </testcase>');
  }
  out.push('  </testsuite>', '</testsuites>');
  return out.join('\n') + '\n';
}
