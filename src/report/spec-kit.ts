import { scaleLinear, scaleOrdinal } from 'd3-scale';
import type { TopLevelSpec } from 'vega-lite';
import { formatMicros, type Micros } from '../core/units.js';
import { MSG_NAMES } from '../protocol/stream/messages.js';
import type { ResultJson } from './result.js';

// The building blocks of the report's charts: palette, time axes, thinning, rule layers, curves. The charts
// themselves are in specs.ts.

/** One chart of a report page: a vega-lite spec whose data is already aggregated in Node (a few thousand rows at most). */
export interface Chart {
  id: string;
  title: string;
  caption: string;
  spec: TopLevelSpec;
  wide?: boolean /** spans the whole page width */;
}

export type Obj = Record<string, unknown>;
export type Row = Record<string, number | string | null>;

/** Tableau 10, written out (d3-scale-chromatic is not a dependency). */
export const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];
export const GOOD = '#59a14f';
export const BAD = '#e15759';
export const INK = '#444';
/** The most rows of data any one chart carries. */
export const MAX_ROWS = 4000;
export const WIDE = 920;
export const HALF = 400;

/** 1234567 -> "1,234,567", the same on every machine (no locale). */
export function int(n: number): string {
  const s = String(Math.round(Math.abs(n))).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return n < 0 ? `-${s}` : s;
}

/** Message types keep their colour on every chart and every page. */
export const msgColour = scaleOrdinal<string, string>().domain(MSG_NAMES).range(PALETTE);
/** Kademlia depth, shallow (light) to deep (dark). */
export const depthColour = (lo: number, hi: number) => scaleLinear<string>().domain([lo, (lo + Math.max(hi, lo + 1)) / 2, Math.max(hi, lo + 1)]).range(['#e8b517', '#d6404e', '#2b3f8c']);
export const MARK_COLOUR: Record<string, string> = { upload: '#4e79a7', disconnect: '#e15759', partition: '#e15759', connect: '#59a14f', heal: '#59a14f', stop: '#b07aa1',
  churn: '#b07aa1', start: '#76b7b2', pause: '#b07aa1', resume: '#76b7b2', links: '#9c755f', remove: '#ff9da7', drop: '#f28e2b' };
/** Frequent marks get rules but no labels, so the scenario's own events keep theirs. */
export const UNLABELLED = new Set(['drop', 'churn']);

/** A time axis in the unit that suits its length, with a nice domain and ticks from d3-scale (shared by every chart of a page). */
export type TimeAxis = { title: string; div: number; domain: [number, number]; ticks: number[] };

export function timeAxis(maxMicros: Micros, what = 'virtual time'): TimeAxis {
  const units: [string, number][] = [['min', 60e6], ['s', 1e6], ['ms', 1e3], ['µs', 1]];
  const [unit, div] = units.find(([, d]) => maxMicros >= 2 * d) ?? units[3]!;
  const scale = scaleLinear().domain([0, Math.max(maxMicros / div, 1e-9)]).nice(8);
  const [lo, hi] = scale.domain() as [number, number];
  return { title: `${what} (${unit})`, div, domain: [lo, hi], ticks: scale.ticks(8) };
}

export const round = (x: number) => Math.round(x * 1e4) / 1e4;
export const inUnit = (ax: TimeAxis, t: Micros) => round(t / ax.div);
export const xTime = (ax: TimeAxis, field = 't'): Obj => ({ field, type: 'quantitative', title: ax.title, scale: { domain: ax.domain, nice: false }, axis: { values: ax.ticks } });
export const share = (field: string, title: string): Obj => ({ field, type: 'quantitative', title, scale: { domain: [0, 1] }, axis: { format: '%' } });
// vega guesses text widths without a canvas (0.8 em a character), so legend labels need a generous limit
export const colours = (domain: string[], range: string[], columns = 3, title: string | null = null): Obj => ({ scale: { domain, range }, legend: { title, orient: 'bottom', direction: 'horizontal', columns, labelLimit: 500 } });

export function top(width: number, height: number, body: Obj): TopLevelSpec {
  const axis = { labelColor: INK, titleColor: INK, gridColor: '#eee', domainColor: '#999', tickColor: '#999', titleFontWeight: 'normal' };
  const config = { font: 'Helvetica, Arial, sans-serif', view: { stroke: null }, axis, legend: { labelColor: INK, titleColor: INK, symbolStrokeWidth: 2 } };
  return { width, height, background: 'white', padding: 8, config, ...body } as unknown as TopLevelSpec;
}

/** Every `step`-th element, always keeping the last, so a series stays under a row budget. */
export function thin<T>(xs: T[], budget: number): T[] {
  const step = Math.max(1, Math.ceil(xs.length / Math.max(1, budget)));
  return xs.filter((_, i) => i % step === 0 || i === xs.length - 1);
}

/** Merges neighbouring buckets until at most `max` remain. */
export function rebucket(width: Micros, rows: Record<string, number[]>, max: number): { width: Micros; rows: [string, number[]][] } {
  const len = Math.max(0, ...Object.values(rows).map((r) => r.length));
  const k = Math.max(1, Math.ceil(len / max));
  const merged = Object.entries(rows).map(([name, r]): [string, number[]] => [name, Array.from({ length: Math.ceil(r.length / k) }, (_, i) => r.slice(i * k, i * k + k).reduce((a, b) => a + b, 0))]);
  return { width: width * k, rows: merged };
}

/** Rules (and a few staggered labels) for timeline marks: uploads, disconnects, stops, drops, convergence. */
export function ruleLayers(ax: TimeAxis, marks: { at: Micros; label: string; kind: string }[], width: number, maxLabels = 12): Obj[] {
  const ends = [-1, -1, -1, -1, -1];
  let labelled = 0;
  const rows = thin(marks, 400).map((m) => {
    const t = inUnit(ax, m.at);
    const x = (t / ax.domain[1]) * width;
    // the first of five label rows where this label (about 5.5 px a character) does not run into the last one
    const row = !UNLABELLED.has(m.kind) && (labelled < maxLabels || m.kind === 'converged') ? ends.findIndex((e) => e < x) : -1;
    if (row >= 0) (ends[row] = x + 8 + 5.5 * m.label.length), labelled++;
    return { t, c: MARK_COLOUR[m.kind] ?? INK, label: row >= 0 ? m.label : '', row: Math.max(row, 0) };
  });
  const colour = { field: 'c', type: 'nominal', scale: null, legend: null };
  return [
    { data: { values: rows }, mark: { type: 'rule', strokeDash: [4, 3], strokeWidth: 1.2 }, encoding: { x: xTime(ax), stroke: colour } },
    { data: { values: rows.filter((r) => r.label) }, mark: { type: 'text', align: 'left', dx: 3, fontSize: 10 }, encoding: { x: xTime(ax), y: { field: 'row', type: 'quantitative', scale: { domain: [0, 14], reverse: true }, axis: null }, text: { field: 'label' }, fill: colour } },
  ];
}

/** "upload node=random chunks=2000 @0us" -> kind "upload", label "upload chunks=2000". */
export function scenarioMarks(r: ResultJson): { at: Micros; label: string; kind: string }[] {
  const marks = r.series.marks.map((m) => {
    const label = m.label.replace(/ @\S+$/, '').replace(/ node=random/, '').replace(/[{}"]/g, '');
    return { at: m.at, kind: label.split(/[: ]/)[0]!, label: label.length > 32 ? `${label.slice(0, 31)}…` : label };
  });
  const missing = r.metrics.aorPairs - r.metrics.aorHeld;
  marks.push({ at: r.metrics.convergenceMicros, kind: 'converged', label: missing === 0 ? `converged ${formatMicros(r.metrics.convergenceMicros)}` : `last AoR pair stored (${missing} missing)` });
  return marks.sort((a, b) => a.at - b.at);
}

/** The end of a run's activity: the last active event, mark or non-empty bucket (series may run on past it, flat). */
export function runEnd(r: ResultJson): Micros {
  const s = r.series;
  const buckets = [s.messages, s.bytes, s.duplicates].map((b) => Math.max(0, ...Object.values(b.rows).map((x) => x.length)) * b.width);
  return Math.max(r.metrics.quietMicros ?? r.metrics.endMicros, r.metrics.convergenceMicros, ...s.marks.map((m) => m.at), ...buckets, 1);
}

/** A curve sampled at times `t`, in the axis' unit, cut at the axis' end and thinned to `budget` points. */
export function curve<T extends Row>(ax: TimeAxis, t: Micros[], row: (i: number) => T, budget: number): (T & { t: number })[] {
  const out: (T & { t: number })[] = [];
  for (let i = 0; i < t.length && inUnit(ax, t[i]!) <= ax.domain[1]; i++) out.push({ ...row(i), t: inUnit(ax, t[i]!) });
  return thin(out, budget);
}
