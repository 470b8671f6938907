import { formatMicros } from '../core/units.js';
import type { SweepJson } from './sweep.js';
import { renderCharts } from './render.js';
import type { ResultJson } from './result.js';
import { compareRunCharts, compareSweepCharts, int, runCharts, sweepCharts, type Chart } from './specs.js';
import { allowedDuplicates, duplicatesTolerated } from './spec-kit.js';
import { duplicateCauses, nodeTable } from './html-diagnosis.js';
import { badge, esc, facts, figure, page, section, table } from './html-kit.js';
import { listedViolations } from './trouble.js';
import { storiesSection, violationStoryLink, type ReportStories } from './html-story.js';
export { esc } from './html-kit.js';

type Violation = ResultJson['violations'][number];
const where = (v: Violation) => [v.node ? `node ${v.nodeIndex} (${v.node.slice(0, 8)})` : '', v.chunk ? `chunk ${v.chunk.slice(0, 8)}` : ''].filter(Boolean).join(', ') || 'the run';

/** The violations table; each row's anchor is `violation-<its index in result.json's violations>`. */
function violations(r: ResultJson, stories: ReportStories | undefined): string {
  const dupTolerated = duplicatesTolerated(r);
  const shown = listedViolations(r).map((i) => ({ ...r.violations[i]!, i }));
  const kinds = [...new Set(r.violations.map((v) => v.kind))];
  const counts = kinds.map((k) => `${k}: ${int(r.truncated[k] ?? r.violations.filter((v) => v.kind === k).length)}`).join(', ');
  const intro = r.violations.length === 0 ? '<p>No violations: every AoR pair held, the run went quiescent, no duplicate delivery.</p>' : `<p class="note">${esc(counts)}${dupTolerated && r.metrics.duplicates > 0 ? ` — ${int(r.metrics.duplicates)} duplicates are within the allowed ${allowedDuplicates(r)} (see Duplicates above), so they are not listed here.` : ''}</p>`;
  const rows = shown.length === 0 ? '' : table<Violation & { i: number }>(shown, [
    { head: 'what', cell: (v) => esc(v.kind) },
    { head: 'where', cell: (v) => (v.nodeIndex !== undefined && r.diagnosis ? `<a href="#node-${v.nodeIndex}">${esc(where(v))}</a>` : esc(where(v))) },
    { head: 'when', cell: (v) => esc(formatMicros(v.at)), num: true },
    { head: 'detail', cell: (v) => esc(v.detail) },
    ...(stories ? [{ head: 'story', cell: (v: Violation & { i: number }) => violationStoryLink(stories, v.i) }] : []),
    { head: 'reproduce', cell: () => `<code>${esc(r.reproduce)}</code>` },
  ], true, (v) => `violation-${v.i}`);
  return section('Violations', intro + rows, 'violations');
}

function firstDuplicates(r: ResultJson): string {
  const dups = r.violations.filter((v) => v.kind === 'duplicate').sort((a, b) => a.at - b.at).slice(0, 20);
  if (dups.length === 0) return '';
  return section(`First duplicates (${dups.length} of ${int(r.metrics.duplicates)})`, table<Violation>(dups, [
    { head: 'when', cell: (v) => formatMicros(v.at), num: true },
    { head: 'at', cell: where },
    { head: 'how', cell: (v) => v.detail },
  ]), 'first-duplicates');
}

function runHeader(r: ResultJson): string {
  const m = r.metrics;
  const protocol = (r.config.protocol ?? {}) as Record<string, unknown>;
  const missing = m.aorPairs - m.aorHeld;
  const drops = Object.values(m.drops).reduce((a, b) => a + b, 0);
  const expectation = `expected ${r.expect.verdict}, at most ${allowedDuplicates(r)} duplicates: ${r.expectationMet ? 'met' : 'NOT met'}`;
  const glance = `${int(m.aorHeld)} of ${int(m.aorPairs)} (chunk, AoR node) pairs held${missing ? ` — <b>${int(missing)} missing</b>` : ''}; ${missing ? 'last pair stored' : 'converged'} at ${esc(formatMicros(m.convergenceMicros))} of virtual time; ${int(m.duplicates)} duplicate deliveries; ${int(m.messagesTotal)} messages.`;
  return `<header>
<h1>${esc(r.scenario)} ${badge(r.verdict === 'pass', r.verdict.toUpperCase())} <span class="muted">${esc(expectation)}</span></h1>
<p class="desc">${esc(r.description)}</p>
<p class="glance">${glance}</p>
${(r.warnings ?? []).map((w) => `<p class="warning">warning: ${esc(w)}</p>`).join('\n')}
${facts([
    ['seed', String(r.seed)], ['config', r.configHash], ['fingerprint', r.fingerprint], ['protocol', String(protocol.kind === 'bee' ? 'bee' : (protocol.version ?? '?'))],
    ['nodes', int(m.nodes)], ['chunks', int(m.chunks)], ['converged', formatMicros(m.convergenceMicros)], ['quiet from', formatMicros(m.quietMicros ?? m.endMicros)],
    ['events', int(m.events)], ['messages', int(m.messagesTotal)], ['bytes', int(m.bytes)], ['deliveries', int(m.deliveries)],
    ['duplicates', int(m.duplicates)], ['beyond AoR', int(m.redundancy)], ['drops', int(drops)], ['wall', `${int(m.wallMs)} ms`],
  ])}
<pre class="repro">${esc(r.reproduce)}</pre>
<details><summary>configuration</summary><pre>${esc(JSON.stringify(r.config, null, 1))}</pre></details>
</header>`;
}

const OLD_RESULT = section('Why', '<p class="note">This result.json has no diagnosis (it was written by an older pullsim): run the scenario again for fault windows, depth and subscriptions over time, nodes by trouble and the causes of duplicates.</p>', 'no-diagnosis');

/** The run report page, with the stories of its first violations when given. Byte-identical for the same result and stories. */
export async function runReportHtml(r: ResultJson, stories?: ReportStories): Promise<string> {
  const rendered = await renderCharts(runCharts(r));
  const fig = (id: string) => {
    const c = rendered.find((x) => x.chart.id === id);
    return c ? figure(c) : '';
  };
  const body = r.diagnosis
    ? [
        fig('faults'), fig('convergence'), fig('radius-strip'), fig('radius-groups'), fig('reserve'), fig('removals'), fig('depth-strip'), fig('depth-groups'), fig('subscriptions'), nodeTable(r), fig('duplicates'), fig('by-depth'), duplicateCauses(r, stories),
        fig('completion'), fig('latency'), fig('messages'), fig('bytes'), fig('depths'), fig('degree'), violations(r, stories), storiesSection(r, stories),
      ]
    : [fig('convergence'), OLD_RESULT, fig('by-depth'), fig('completion'), fig('messages'), fig('bytes'), fig('latency'), fig('duplicates'), firstDuplicates(r), fig('depths'), fig('degree'), violations(r, stories), storiesSection(r, stories)];
  return page(`pullsim ${r.scenario} seed ${r.seed}`, runHeader(r), body.filter(Boolean).join('\n'));
}

type Failing = SweepJson['failing'][number];

/** The sweep report page. */
export async function sweepReportHtml(s: SweepJson): Promise<string> {
  const c = s.counts;
  const allMet = c.expectationMet === c.seeds;
  const header = `<header>
<h1>${esc(s.scenario)} sweep ${badge(allMet, allMet ? 'ALL AS EXPECTED' : `${c.seeds - c.expectationMet} FAILING`)} <span class="muted">seeds ${esc(s.seeds)}${s.shard ? ` shard ${esc(s.shard)}` : ''}</span></h1>
<p class="glance">${int(c.seeds)} seeds: ${int(c.pass)} pass, ${int(c.fail)} fail; expectation met by ${int(c.expectationMet)}. Convergence p50 ${esc(formatMicros(s.convergence.p50))}, p99 ${esc(formatMicros(s.convergence.p99))}; ${int(s.duplicates.total)} duplicates in ${int(s.duplicates.seedsWithDuplicates)} seeds.</p>
${facts([
    ['scenario file', s.file], ['config', s.configHash], ['seeds', s.seeds], ['p50', formatMicros(s.convergence.p50)],
    ['p90', formatMicros(s.convergence.p90)], ['p99', formatMicros(s.convergence.p99)], ['max', formatMicros(s.convergence.max)], ['max duplicates', int(s.duplicates.max)],
  ])}
</header>`;
  const rendered = await renderCharts(sweepCharts(s));
  const failing = s.failing.length === 0
    ? '<p>Every seed met the expectation.</p>'
    : table<Failing>(s.failing, [
        { head: 'seed', cell: (f) => String(f.seed), num: true },
        { head: 'first violation', cell: (f) => esc(f.reason) },
        { head: 'reproduce', cell: (f) => `<code>${esc(f.reproduce)}</code>` },
      ], true);
  const body = [...rendered.map(figure), section(`Failing seeds (${int(s.failing.length)})`, failing, 'failing')];
  return page(`pullsim sweep ${s.scenario} ${s.seeds}`, header, body.join('\n'));
}

/** One line of a comparison: the metric's value in A and in B. */
export interface Delta {
  metric: string;
  a: number;
  b: number;
  unit: 'time' | 'count';
}

export function runDeltas(a: ResultJson, b: ResultJson): Delta[] {
  const types = [...new Set([...Object.keys(a.metrics.messages), ...Object.keys(b.metrics.messages)])];
  const m = (metric: string, f: (r: ResultJson) => number, unit: Delta['unit'] = 'count'): Delta => ({ metric, a: f(a), b: f(b), unit });
  return [
    m('convergence', (r) => r.metrics.convergenceMicros, 'time'),
    m('end of run', (r) => r.metrics.endMicros, 'time'),
    m('AoR pairs missing', (r) => r.metrics.aorPairs - r.metrics.aorHeld),
    m('messages', (r) => r.metrics.messagesTotal),
    ...types.map((t) => m(`  ${t}`, (r) => r.metrics.messages[t] ?? 0)),
    m('bytes', (r) => r.metrics.bytes),
    m('deliveries', (r) => r.metrics.deliveries),
    m('duplicates', (r) => r.metrics.duplicates),
    m('redundancy (beyond-AoR holders)', (r) => r.metrics.redundancy),
    m('arrival latency p50', (r) => r.series.latency.p50, 'time'),
    m('arrival latency p99', (r) => r.series.latency.p99, 'time'),
    m('events', (r) => r.metrics.events),
  ];
}

export function sweepDeltas(a: SweepJson, b: SweepJson): Delta[] {
  const mean = (s: SweepJson, f: (r: SweepJson['runs'][number]) => number) => (s.runs.length ? Math.round(s.runs.reduce((x, r) => x + f(r), 0) / s.runs.length) : 0);
  const m = (metric: string, f: (s: SweepJson) => number, unit: Delta['unit'] = 'count'): Delta => ({ metric, a: f(a), b: f(b), unit });
  return [
    m('seeds', (s) => s.counts.seeds),
    m('expectation missed', (s) => s.counts.seeds - s.counts.expectationMet),
    m('convergence p50', (s) => s.convergence.p50, 'time'),
    m('convergence p90', (s) => s.convergence.p90, 'time'),
    m('convergence p99', (s) => s.convergence.p99, 'time'),
    m('convergence max', (s) => s.convergence.max, 'time'),
    m('messages (mean per seed)', (s) => mean(s, (r) => r.messages)),
    m('bytes (mean per seed)', (s) => mean(s, (r) => r.bytes)),
    m('duplicates (total)', (s) => s.duplicates.total),
    m('seeds with duplicates', (s) => s.duplicates.seedsWithDuplicates),
    m('events (mean per seed)', (s) => mean(s, (r) => r.events)),
  ];
}

/** A delta's cells as text: A, B, B - A, and the change in percent. */
export function deltaCells(d: Delta): [string, string, string, string] {
  const f = d.unit === 'time' ? (x: number) => formatMicros(Math.abs(x)) : (x: number) => int(Math.abs(x));
  const diff = d.b - d.a;
  const sign = diff > 0 ? '+' : diff < 0 ? '-' : '';
  const pct = d.a === 0 ? (d.b === 0 ? '0.0%' : 'new') : `${sign}${(Math.round((Math.abs(diff) / Math.abs(d.a)) * 1000) / 10).toFixed(1)}%`;
  return [f(d.a), f(d.b), diff === 0 ? '0' : `${sign}${f(diff)}`, pct];
}

/** Paths whose values differ between two configurations, e.g. "protocol.batchSize: 64 -> 128". */
export function configDiff(a: unknown, b: unknown, path = ''): [string, string, string][] {
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (isObj(a) && isObj(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    return keys.flatMap((k) => configDiff(a[k], b[k], path ? `${path}.${k}` : k));
  }
  const [x, y] = [JSON.stringify(a) ?? '(none)', JSON.stringify(b) ?? '(none)'];
  return x === y ? [] : [[path, x, y]];
}

export type Comparable = { kind: 'run'; result: ResultJson } | { kind: 'sweep'; sweep: SweepJson };

/** "A quickstart seed 1 (head)" and "B ..." — the two sides' names on charts and tables. */
export function sideNames(a: Comparable, b: Comparable): [string, string] {
  const name = (c: Comparable) =>
    c.kind === 'run' ? `${c.result.scenario} seed ${c.result.seed} (${String((c.result.config.protocol as Record<string, unknown> | undefined)?.version ?? '?')})` : `${c.sweep.scenario} seeds ${c.sweep.seeds}`;
  return [`A: ${name(a)}`, `B: ${name(b)}`];
}

/** The compare page for two runs or two sweeps (the caller checks they are of one kind). */
export async function compareHtml(a: Comparable, b: Comparable): Promise<string> {
  const names = sideNames(a, b);
  let charts: Chart[];
  let deltas: Delta[];
  let diff: [string, string, string][];
  if (a.kind === 'run' && b.kind === 'run') {
    charts = compareRunCharts(a.result, b.result, names);
    deltas = runDeltas(a.result, b.result);
    diff = configDiff(a.result.config, b.result.config);
  } else if (a.kind === 'sweep' && b.kind === 'sweep') {
    charts = compareSweepCharts(a.sweep, b.sweep, names);
    deltas = sweepDeltas(a.sweep, b.sweep);
    diff = configDiff({ file: a.sweep.file, configHash: a.sweep.configHash }, { file: b.sweep.file, configHash: b.sweep.configHash });
  } else throw new Error('assertion failed: compare needs two runs or two sweeps');
  const rendered = await renderCharts(charts);
  const id = (c: Comparable) => (c.kind === 'run' ? `config ${c.result.configHash}, fingerprint ${c.result.fingerprint}, verdict ${c.result.verdict}` : `config ${c.sweep.configHash}, ${c.sweep.counts.expectationMet}/${c.sweep.counts.seeds} as expected`);
  const header = `<header><h1>Compare</h1>
<p class="glance"><b>${esc(names[0])}</b> — ${esc(id(a))}<br><b>${esc(names[1])}</b> — ${esc(id(b))}</p>
${diff.length === 0 ? '<p class="note">Same configuration.</p>' : `<details open><summary>configuration differences (${diff.length})</summary>${table(diff, [{ head: 'setting', cell: (d) => d[0] }, { head: 'A', cell: (d) => d[1] }, { head: 'B', cell: (d) => d[2] }])}</details>`}
</header>`;
  const deltaTable = table<Delta>(deltas, [
    { head: 'metric', cell: (d) => (d.metric.startsWith(' ') ? `<span class="sub">${esc(d.metric.trim())}</span>` : esc(d.metric)) },
    { head: 'A', cell: (d) => deltaCells(d)[0], num: true },
    { head: 'B', cell: (d) => deltaCells(d)[1], num: true },
    { head: 'B − A', cell: (d) => deltaCells(d)[2], num: true },
    { head: 'change', cell: (d) => `<span class="${d.b > d.a ? 'up' : d.b < d.a ? 'down' : ''}">${deltaCells(d)[3]}</span>`, num: true },
  ], true);
  const body = [section('Metrics', deltaTable, 'deltas'), ...rendered.map(figure)];
  return page(`pullsim compare ${names[0]} vs ${names[1]}`, header, body.join('\n'));
}
