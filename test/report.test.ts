import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { summarize, type SeedSummary } from '../src/report/sweep.js';
import { redirectIo } from '../src/cli/io.js';
import { compareCommand, deltaText, readReportInput, reportCommand } from '../src/cli/report.js';
import { buildResult, configHash, type ResultJson } from '../src/report/result.js';
import { compareHtml, runReportHtml, sweepReportHtml } from '../src/report/html.js';
import { renderCharts } from '../src/report/render.js';
import { compareRunCharts, MAX_ROWS, runCharts, runEnd, sweepCharts, timeAxis, type Chart } from '../src/report/specs.js';
import { loadScenario } from '../src/scenario/loader.js';
import { runScenario } from '../src/scenario/runner.js';
import { usageError } from './helpers/process.js';

// Tests run from dist/test/*.js: the repository root is two levels up.
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const TMP = mkdtempSync(join(tmpdir(), 'pullsim-report-'));

/** A 16-node run with 50 chunks uploaded at once: small enough for a unit test, big enough to draw every chart. */
function tinyRun(seed = 1): ResultJson {
  const file = join(TMP, 'tiny.json');
  const scenario = { pullsim: 1, name: 'tiny', topology: { snapshot: join(ROOT, 'snapshots/generated-16.json') }, events: [{ at: '0s', upload: { node: 'random', chunks: 50 } }] };
  writeFileSync(file, JSON.stringify(scenario));
  const loaded = loadScenario(file);
  return buildResult(runScenario(loaded.scenario, loaded.topology, { seed }), file, configHash(loaded.scenario, loaded.topology));
}

const tiny = tinyRun(1);

/** A view of a vega-lite spec: its mark, data, and the views it layers or stacks. */
interface View {
  mark?: string | { type: string };
  data?: { values: Record<string, unknown>[] };
  layer?: View[];
  vconcat?: View[];
}
const views = (v: View): View[] => [v, ...[...(v.layer ?? []), ...(v.vconcat ?? [])].flatMap(views)];

/** Every mark type a chart draws, from all its layers and panels. */
function markTypes(c: Chart): string[] {
  const marks = views(c.spec as unknown as View).flatMap((v) => (v.mark === undefined ? [] : [v.mark]));
  return [...new Set(marks.map((m) => (typeof m === 'string' ? m : m.type)))].sort();
}

/** Rows of inline data in a chart, over all its layers and panels. */
function rows(c: Chart): number {
  return views(c.spec as unknown as View).reduce((n, v) => n + (v.data?.values.length ?? 0), 0);
}

/** The inline SVGs of a page, in order. */
const svgs = (html: string) => [...html.matchAll(/<svg[\s\S]*?<\/svg>/g)].map((m) => m[0]);

test('the time axis picks a unit that suits the run and nice ticks from d3-scale', () => {
  assert.equal(timeAxis(23_438_997).title, 'virtual time (s)');
  assert.equal(timeAxis(23_438_997).domain, [0, 24]);
  assert.equal(timeAxis(600_000_000).title, 'virtual time (min)');
  assert.equal(timeAxis(45_000).title, 'virtual time (ms)');
  assert.ok(timeAxis(7_000_000).ticks.includes(7), 'the last tick reaches the end of the run');
});

test('a run gives one chart per view, each with the marks a reader expects and bounded data', () => {
  const charts = runCharts(tiny);
  const byId = new Map(charts.map((c) => [c.id, c]));
  // no faults in this run, and no node's depth changed after the start: no fault lanes, no depth strip
  const expected: Record<string, string[]> = {
    convergence: ['area', 'line', 'rect', 'rule', 'text'],
    'depth-groups': ['rect'],
    subscriptions: ['rect'],
    'by-depth': ['line', 'rect'],
    completion: ['point'],
    messages: ['area', 'rect'],
    bytes: ['area', 'rect'],
    latency: ['rect', 'rule', 'text'],
    duplicates: ['rect'],
    depths: ['rect'],
    degree: ['rect'],
  };
  assert.equal([...byId.keys()], Object.keys(expected));
  for (const [id, marks] of Object.entries(expected)) assert.equal(markTypes(byId.get(id)!), marks, id);
  for (const c of charts) assert.ok(rows(c) > 0 && rows(c) <= MAX_ROWS, `${c.id}: ${rows(c)} rows`);
  assert.is(rows(byId.get('completion')!), tiny.series.nodeCompletion.length, 'one point per node');
  assert.is(rows(byId.get('latency')!), tiny.series.latency.histogram.length + 6, 'bins, and p50/p90/p99 as rules and labels');
});

test('the convergence curve keeps every step and drops only points equal to the one before', () => {
  const conv = runCharts(tiny).find((c) => c.id === 'convergence')!;
  const curve = views(conv.spec as unknown as View).find((v) => typeof v.mark === 'object' && v.mark.type === 'area')!.data!.values as { t: number; aor: number; beyond: number }[];
  const ax = timeAxis(runEnd(tiny));
  const c = tiny.series.convergence;
  const shown = c.t.filter((t) => t / ax.div <= ax.domain[1]).length;
  const steps = c.aor.slice(0, shown).filter((a, i) => i > 0 && (a !== c.aor[i - 1] || c.beyond[i] !== c.beyond[i - 1])).length;
  assert.ok(steps >= 2, `${steps} steps`);
  assert.is(curve.length, steps + 2, 'the first point, one per step, and the last');
  assert.is(curve[curve.length - 1]!.aor, 1, 'all AoR pairs held at the end');
  for (let i = 1; i < curve.length - 1; i++) assert.ok(curve[i]!.aor !== curve[i - 1]!.aor || curve[i]!.beyond !== curve[i - 1]!.beyond, `point ${i} repeats`);
});

test('the run page inlines one SVG per chart, each drawing real marks, and fetches nothing', async () => {
  const html = await runReportHtml(tiny);
  const pics = svgs(html);
  const charts = runCharts(tiny);
  assert.is(pics.length, charts.length + charts.filter((c) => c.narrow).length, 'one SVG per chart, two for a wide one');
  for (const svg of pics) {
    const drawn = [...svg.matchAll(/ d="(M[^"]+)"/g)].filter((m) => !/^M0,0h0v0h0Z$/.test(m[1]!));
    assert.ok(drawn.length >= 2, `an SVG with only ${drawn.length} drawn paths`);
    assert.ok(/class="mark-(line|area|rect|symbol)/.test(svg), 'a data mark group');
  }
  assert.ok(html.includes('class="mark-symbol'), 'the scatter draws symbols');
  for (const bad of ['<script', 'http://', 'https://', ' src=', '@import', '<link']) assert.not.ok(html.includes(bad), `the page contains ${bad}`);
  const ids = [...html.matchAll(/\bid="([^"]+)"/g)].map((m) => m[1]);
  assert.is(new Set(ids).size, ids.length, 'ids are unique across the inlined SVGs');
  assert.ok(html.includes(tiny.reproduce) && html.includes(tiny.fingerprint) && html.includes(tiny.configHash));
});

test('vega-lite and vega have nothing to warn about in any chart', async () => {
  for (const r of await renderCharts([...runCharts(tiny), ...compareRunCharts(tiny, tiny, ['A', 'B'])])) assert.equal(r.warnings, [], r.chart.id);
});

test('rendering the same result twice gives byte-identical pages', async () => {
  const a = await runReportHtml(tiny);
  const b = await runReportHtml(JSON.parse(JSON.stringify(tiny)) as ResultJson);
  assert.ok(a === b, 'the two pages differ');
});

test('a sweep page shows verdict counts, convergence across seeds, duplicates per seed, and failing seeds to reproduce', async () => {
  const run = (seed: number, ok: boolean): SeedSummary => ({
    seed, verdict: ok ? 'pass' : 'fail', expectationMet: ok, fingerprint: 'f', convergenceMicros: 1_000_000 + seed * 37_000, endMicros: 9_000_000,
    events: 1000, messages: 100, bytes: 10_000, deliveries: 50, duplicates: seed % 4, missing: ok ? 0 : 2, drops: 0, violations: ok ? 0 : 2,
    ...(ok ? {} : { firstViolation: 'missing: depth 3, PO 4' }), wallMs: 5,
  });
  const s = summarize('tiny', 'scenarios/tiny.json', 'abc', '1-40', undefined, Array.from({ length: 40 }, (_, i) => run(i + 1, i !== 6)));
  assert.equal(sweepCharts(s).map(markTypes), [['bar', 'text'], ['rect', 'rule', 'text'], ['rect']]);
  for (const r of await renderCharts(sweepCharts(s))) assert.equal(r.warnings, [], r.chart.id);
  const html = await sweepReportHtml(s);
  assert.is(svgs(html).length, 3 + 1, 'three charts, the wide one also narrow');
  assert.ok(html.includes('pullsim run scenarios/tiny.json --seed 7'), 'the failing seed\'s reproduce line');
  assert.ok(html.includes('1 FAILING'));
});

test('two runs compare side by side, with curves overlaid and a table of deltas', async () => {
  const other = tinyRun(2);
  const html = await compareHtml({ kind: 'run', result: tiny }, { kind: 'run', result: other });
  assert.is(svgs(html).length, 3 + 1, 'three charts, the wide one also narrow');
  assert.ok(html.includes('A: tiny seed 1 (head)') && html.includes('B: tiny seed 2 (head)'));
  const text = deltaText({ kind: 'run', result: tiny }, { kind: 'run', result: other });
  assert.ok(text[0]!.startsWith('metric') && text.some((l) => l.startsWith('convergence')) && text.some((l) => l.startsWith('duplicates')), text.join('\n'));
});


test('bad input names the file, the JSON path and what was expected', () => {
  const dir = join(TMP, 'broken');
  mkdirSync(dir, { recursive: true });
  const broken = JSON.parse(JSON.stringify(tiny)) as { series: { convergence: { aor: unknown[] } } };
  broken.series.convergence.aor[3] = 'x';
  writeFileSync(join(dir, 'result.json'), JSON.stringify(broken));
  const e = usageError(() => readReportInput(dir));
  assert.is(e.file, join(dir, 'result.json'));
  assert.is(e.path, '$.series.convergence.aor[3]');
  assert.is(e.expected, 'a number');
  assert.is(usageError(() => readReportInput(join(TMP, 'nowhere'))).path, '$');
  writeFileSync(join(TMP, 'other.json'), '{"pullsim": 1, "kind": "gate"}');
  assert.is(usageError(() => readReportInput(join(TMP, 'other.json'))).path, '$.kind');
});

test('report writes index.html into a run folder, and compare writes its page where asked', async () => {
  const dir = join(TMP, 'run');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'result.json'), JSON.stringify(tiny));
  const prev = redirectIo({ out: () => undefined, err: () => undefined });
  try {
    assert.is(await reportCommand([dir]), 0);
    assert.is(await compareCommand(dir, join(dir, 'result.json'), join(TMP, 'cmp', 'index.html')), 0);
  } finally {
    redirectIo(prev);
  }
  assert.ok(existsSync(join(dir, 'index.html')));
  assert.ok(readFileSync(join(TMP, 'cmp', 'index.html'), 'utf8').includes('Same configuration.'));
});

test.after(() => rmSync(TMP, { recursive: true, force: true }));

test.run();
