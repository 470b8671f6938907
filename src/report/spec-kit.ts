import { scaleLinear, scaleOrdinal } from 'd3-scale';
import type { TopLevelSpec } from 'vega-lite';
import { formatMicros, type Micros } from '../core/units.js';
import { BEE_MSG_NAMES } from '../protocol/bee/messages.js';
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
  /** a wide chart drawn again at NARROW width, shown instead of `spec` in narrow windows (text is never scaled down) */
  narrow?: TopLevelSpec;
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
/**
 * Plot widths in px. Charts are shown at the size they are drawn (never scaled down: their text stays at FONT px):
 * two HALF charts side by side from 1200 px windows, one a row below; WIDE charts from 1200 px, NARROW ones below.
 */
export const WIDE = 1000;
export const NARROW = 580;
export const HALF = 430;
/** The smallest text on any chart, px. */
export const FONT = 11;

/** What a node's responsibility threshold is called in a run: stream!'s depth, Bee's storage radius. */
export const thresholdName = (r: ResultJson): 'depth' | 'radius' => ((r.config.protocol as { kind?: string } | undefined)?.kind === 'bee' ? 'radius' : 'depth');

/** The duplicates a run's expectation allows, as the page says it. */
export const allowedDuplicates = (r: ResultJson): string => (r.expect.maxDuplicates === null ? 'any number' : int(r.expect.maxDuplicates));

/** The run's duplicates are within its expectation's bound (null: unbounded). */
export const duplicatesTolerated = (r: ResultJson): boolean => r.metrics.duplicates <= (r.expect.maxDuplicates ?? Infinity);

/** 1234567 -> "1,234,567", the same on every machine (no locale). */
export function int(n: number): string {
  const s = String(Math.round(Math.abs(n))).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return n < 0 ? `-${s}` : s;
}

/** Every protocol's message names, in the order charts stack them: stream!'s, then Bee's. */
export const MESSAGE_ORDER: readonly string[] = [...MSG_NAMES, ...BEE_MSG_NAMES];
/** Message types keep their colour on every chart and every page (Bee's names after stream!'s: theirs keep their colours). */
export const msgColour: (type: string) => string = scaleOrdinal<string, string>().domain(MESSAGE_ORDER).range(PALETTE);
/** Kademlia depths: categorical, so adjacent depths differ clearly (depth d always has the same colour). */
export const DEPTH_COLOURS = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#b07aa1', '#edc948', '#17becf', '#9c755f', '#ff9da7', '#76b7b2', '#bcbd22', '#7f3c8d'];
/** A stopped node. */
export const DOWN_COLOUR = '#c9c9c9';
export const depthColour = (d: number): string => (d < 0 ? DOWN_COLOUR : DEPTH_COLOURS[d % DEPTH_COLOURS.length]!);
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

/** Every chart's look: text of at least FONT px, no aria descriptions but the tooltips marks ask for (TIP). */
export const CONFIG: Obj = {
  font: 'Helvetica, Arial, sans-serif',
  aria: false,
  view: { stroke: null },
  axis: { labelColor: INK, titleColor: INK, gridColor: '#eee', domainColor: '#999', tickColor: '#999', titleFontWeight: 'normal', labelFontSize: FONT, titleFontSize: FONT + 1 },
  legend: { labelColor: INK, titleColor: INK, symbolStrokeWidth: 2, labelFontSize: FONT, titleFontSize: FONT + 1 },
  text: { fontSize: FONT },
};

export function top(width: number, height: number, body: Obj): TopLevelSpec {
  return { width, height, background: 'white', padding: 8, config: CONFIG, ...body } as unknown as TopLevelSpec;
}

/** Every `step`-th element, always keeping the last, so a series stays under a row budget. */
export function thin<T>(xs: T[], budget: number): T[] {
  const step = Math.max(1, Math.ceil(xs.length / Math.max(1, budget)));
  return xs.filter((_, i) => i % step === 0 || i === xs.length - 1);
}

/**
 * Merges neighbouring buckets until at most `max` remain, and (given an axis) until each is at least 1/max of it:
 * a series that ends early would otherwise draw bars too thin to see.
 */
export function rebucket(width: Micros, rows: Record<string, number[]>, max: number, ax?: TimeAxis): { width: Micros; rows: [string, number[]][] } {
  const len = Math.max(0, ...Object.values(rows).map((r) => r.length));
  const k = Math.max(1, Math.ceil(len / max), ax ? Math.floor((ax.domain[1] * ax.div) / max / width) : 1);
  const merged = Object.entries(rows).map(([name, r]): [string, number[]] => [name, Array.from({ length: Math.ceil(r.length / k) }, (_, i) => r.slice(i * k, i * k + k).reduce((a, b) => a + b, 0))]);
  return { width: width * k, rows: merged };
}

/** Label rows are this many px apart, from the top of the plot. */
export const ROW_PX = 14;

/**
 * Rules (and a few labels, in free rows of `labels`) for timeline marks: uploads, disconnects, drops, convergence;
 * each rule's tooltip names it and its time.
 */
export function ruleLayers(ax: TimeAxis, marks: { at: Micros; label: string; kind: string }[], width: number, labels = new LabelRows(5, width), maxLabels = 12): Obj[] {
  let labelled = 0;
  const placed: Label[] = [];
  const rows = thin(marks, 400).map((m) => {
    const t = inUnit(ax, m.at);
    const c = MARK_COLOUR[m.kind] ?? INK;
    const at = !UNLABELLED.has(m.kind) && (labelled < maxLabels || m.kind === 'converged') ? labels.place((t / ax.domain[1]) * width, m.label) : undefined;
    if (at) labelled++, placed.push({ t, label: m.label, c, ...at });
    return { t, c, tip: `${m.label} at ${formatMicros(m.at)}` };
  });
  return [
    { data: { values: rows }, mark: { type: 'rule', strokeDash: [4, 3], strokeWidth: 1.2, aria: true }, encoding: { x: xTime(ax), stroke: { field: 'c', type: 'nominal', scale: null, legend: null }, ...TIP } },
    ...labelLayers(ax, placed),
  ];
}

/** A label placed by LabelRows: at time `t` (axis units), in a row (px from the top), left or right of `t`. */
export interface Label {
  t: number;
  label: string;
  c: string;
  py: number;
  right: boolean;
}

/** Text layers for placed labels: those that fit start at their time, those near the right end end there. */
export function labelLayers(ax: TimeAxis, labels: Label[], bold = false): Obj[] {
  const layer = (right: boolean): Obj => ({
    data: { values: labels.filter((l) => l.right === right) },
    mark: { type: 'text', align: right ? 'right' : 'left', dx: right ? -3 : 3, fontSize: FONT, ...(bold ? { fontWeight: 'bold' } : {}) },
    encoding: { x: xTime(ax), y: { field: 'py', type: 'quantitative', scale: null }, text: { field: 'label' }, fill: { field: 'c', type: 'nominal', scale: null, legend: null } },
  });
  return labels.length === 0 ? [] : [layer(false), ...(labels.some((l) => l.right) ? [layer(true)] : [])];
}

/**
 * Rows of labels along a time axis `width` px wide, placed left to right: `place` gives the first row where a
 * label at x (px) does not run into the one before it (about 6.2 px a character at FONT px), written after x, or
 * before it when it would run past the plot's end; undefined when every row is taken there.
 */
export class LabelRows {
  private readonly ends: number[];
  constructor(
    rows: number,
    private readonly width: number,
  ) {
    this.ends = new Array<number>(rows).fill(-Infinity);
  }

  place(x: number, text: string): { py: number; right: boolean } | undefined {
    const w = 6.2 * text.length;
    const right = x + w + 6 > this.width;
    const row = this.ends.findIndex((e) => e < (right ? x - w - 6 : x));
    if (row < 0) return undefined;
    this.ends[row] = right ? x + 4 : x + w + 10;
    return { py: 8 + row * ROW_PX, right };
  }
}

/** A mark that carries a tooltip (an SVG <title>, from the row's `tip`): vega's aria description, turned into a title by tidySvg. */
export const TIP: Obj = { description: { field: 'tip' } };

/** Marks of faults that result files with a diagnosis carry as windows (drawn as bands and lanes instead). */
const WINDOWED = new Set(['churn', 'links', 'partition', 'stop', 'start', 'pause', 'resume']);

/** "upload node=random chunks=2000 @0us" -> kind "upload", label "upload chunks=2000". */
export function scenarioMarks(r: ResultJson): { at: Micros; label: string; kind: string }[] {
  const all = r.series.marks.map((m) => {
    const label = m.label.replace(/ @\S+$/, '').replace(/ node=random/, '').replace(/[{}"]/g, '');
    return { at: m.at, kind: label.split(/[: ]/)[0]!, label: label.length > 32 ? `${label.slice(0, 31)}…` : label };
  });
  // marks of one kind at one instant (a partition written as 166 disconnects) are one mark
  const marks: { at: Micros; label: string; kind: string; n: number }[] = [];
  for (const m of r.diagnosis ? all.filter((x) => !WINDOWED.has(x.kind)) : all) {
    const same = marks.find((x) => x.at === m.at && x.kind === m.kind);
    if (same) same.label = `${m.kind} ×${++same.n}`;
    else marks.push({ ...m, n: 1 });
  }
  const missing = r.metrics.aorPairs - r.metrics.aorHeld;
  marks.push({ at: r.metrics.convergenceMicros, kind: 'converged', label: missing === 0 ? `converged ${formatMicros(r.metrics.convergenceMicros)}` : `last AoR pair stored (${missing} missing)`, n: 1 });
  return marks.sort((a, b) => a.at - b.at).map(({ at, label, kind }) => ({ at, label, kind }));
}

/** The end of a run's activity: the last active event, mark or non-empty bucket (series may run on past it, flat). */
export function runEnd(r: ResultJson): Micros {
  const s = r.series;
  const buckets = [s.messages, s.bytes, s.duplicates].map((b) => Math.max(0, ...Object.values(b.rows).map((x) => x.length)) * b.width);
  return Math.max(r.metrics.quietMicros ?? r.metrics.endMicros, r.metrics.convergenceMicros, ...s.marks.map((m) => m.at), ...buckets, 1);
}

/**
 * A step curve sampled at times `t`, in the axis' unit, cut at the axis' end and thinned to `budget` points; a
 * point equal to the one before it is left out (a step-after line draws the same without it), the last kept.
 */
export function curve<T extends Row>(ax: TimeAxis, t: Micros[], row: (i: number) => T, budget: number): (T & { t: number })[] {
  const out: (T & { t: number })[] = [];
  for (let i = 0; i < t.length && inUnit(ax, t[i]!) <= ax.domain[1]; i++) out.push({ ...row(i), t: inUnit(ax, t[i]!) });
  const thinned = thin(out, budget);
  const same = (a: Row, b: Row) => Object.keys(a).every((k) => k === 't' || a[k] === b[k]);
  return thinned.filter((p, i) => i === 0 || i === thinned.length - 1 || !same(p, thinned[i - 1]!));
}

/** Rules at percentiles (p50, p90, ...) of a time axis, each labelled with its value. */
export function percentileRules(ax: TimeAxis, ps: [string, Micros][]): Obj[] {
  const rows = ps.map(([name, v], i) => ({ t: inUnit(ax, v), label: `${name} ${formatMicros(v)}`, py: 8 + i * ROW_PX, tip: `${name}: ${formatMicros(v)}` }));
  return [
    { data: { values: rows }, mark: { type: 'rule', color: BAD, strokeDash: [4, 3], aria: true }, encoding: { x: xTime(ax), ...TIP } },
    { data: { values: rows }, mark: { type: 'text', align: 'left', dx: 3, fontSize: FONT, color: BAD }, encoding: { x: xTime(ax), y: { field: 'py', type: 'quantitative', scale: null }, text: { field: 'label' } } },
  ];
}

/**
 * Invisible slices of a time axis that carry tooltips (a line or an area is one SVG path: it has no tooltip per
 * point); `tip(t)` describes the chart at the end of the slice, in micros.
 */
export function hoverSlices(ax: TimeAxis, tip: (t: Micros) => string, slices = 60): Obj {
  const step = ax.domain[1] / slices;
  const values = Array.from({ length: slices }, (_, i) => {
    const to = (i + 1) * step;
    return { from: round(i * step), to: round(to), tip: tip(Math.round(to * ax.div)) };
  });
  return { data: { values }, mark: { type: 'rect', fill: 'white', fillOpacity: 0, aria: true }, encoding: { x: xTime(ax, 'from'), x2: { field: 'to' }, ...TIP } };
}
