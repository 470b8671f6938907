import { formatMicros } from '../core/units.js';
import type { ResultJson } from './result.js';
import { depthGroups, depthStrip, STRIP_NODES } from './spec-depth.js';
import { bandWindows, faultBands } from './spec-faults.js';
import { BAD, HALF, INK, LabelRows, PALETTE, TIP, colours, hoverSlices, inUnit, int, rebucket, round, top, xTime, type Chart, type Row, type TimeAxis } from './spec-kit.js';
import type { NodeTrouble } from './trouble.js';

// Bee's charts: storage radius over time (per node, and nodes per radius), reserve sizes against the capacity,
// and why chunks left reserves (evictions above all).

/** The nodes the radius strip shows: those whose radius changed most, or that went down (most troubled first among equals). */
function radiusNodes(r: ResultJson, trouble: NodeTrouble[]): NodeTrouble[] {
  const changes = r.diagnosis!.bee!.radius.changes;
  return trouble
    .filter((t) => (changes[t.index] ?? 0) > 0 || t.downs > 0)
    .sort((a, b) => (changes[b.index] ?? 0) - (changes[a.index] ?? 0))
    .slice(0, STRIP_NODES);
}

/** The reserve sizes of the up nodes over time (least, mean, most), against the capacity. */
function reserveChart(r: ResultJson, ax: TimeAxis): Chart {
  const res = r.diagnosis!.bee!.reserve;
  const kinds: [string, number[], string][] = [['most', res.max, PALETTE[1]!], ['mean', res.mean, PALETTE[0]!], ['least', res.min, PALETTE[4]!]];
  const rows: Row[] = [];
  for (const [kind, xs] of kinds) xs.forEach((v, i) => (inUnit(ax, (i + 1) * res.width) <= ax.domain[1] ? rows.push({ t: inUnit(ax, (i + 1) * res.width), v, kind }) : undefined));
  const at = (t: number) => Math.min(res.mean.length - 1, Math.max(0, Math.floor(t / res.width) - 1));
  const tip = (t: number) => (res.mean.length === 0 ? 'no samples' : `${formatMicros(t)}: reserves of ${int(res.min[at(t)]!)} to ${int(res.max[at(t)]!)} chunks, mean ${res.mean[at(t)]} (capacity ${int(res.capacity)})`);
  const spec = top(HALF, 220, {
    layer: [
      ...faultBands(ax, bandWindows(r), HALF, r.metrics.endMicros, new LabelRows(0, HALF)),
      { data: { values: rows }, mark: { type: 'line', interpolate: 'step-before', strokeWidth: 2 }, encoding: { x: xTime(ax), y: { field: 'v', type: 'quantitative', title: 'chunks in the reserve' }, color: { field: 'kind', type: 'nominal', ...colours(kinds.map((k) => k[0]), kinds.map((k) => k[2]), 3, 'up nodes') } } },
      { data: { values: [{ v: res.capacity, tip: `capacity ${int(res.capacity)} chunks` }] }, mark: { type: 'rule', color: BAD, strokeDash: [4, 3], aria: true }, encoding: { y: { field: 'v', type: 'quantitative' }, ...TIP } },
      hoverSlices(ax, tip, 40),
    ],
  });
  const caption = `Chunks each up node's reserve lists (from the stores and removals the world reported; a chunk whose data was lost stays listed until removed), sampled every ${formatMicros(res.width)}: the most, the mean and the least. Dashed: the capacity (${int(res.capacity)}); over it, a node evicts below its radius and raises the radius until it fits.`;
  return { id: 'reserve', title: 'Reserve size', caption, spec };
}

const CAUSE_COLOUR: Record<string, string> = { evicted: PALETTE[0]!, expired: PALETTE[5]!, wiped: PALETTE[6]!, lost: BAD, removed: PALETTE[9]! };

/** Chunks that left reserves over time, by cause. */
function removalsChart(r: ResultJson, ax: TimeAxis): Chart {
  const src = r.diagnosis!.bee!.removals;
  const { width, rows } = rebucket(src.width, src.rows, 100, ax);
  const values: Row[] = [];
  for (const [cause, counts] of rows) {
    counts.forEach((v, i) => {
      if (v > 0 && inUnit(ax, i * width) < ax.domain[1]) values.push({ from: inUnit(ax, i * width), to: round(Math.min(inUnit(ax, (i + 1) * width), ax.domain[1])), v, cause, tip: `${formatMicros(i * width)}–${formatMicros((i + 1) * width)}: ${int(v)} ${cause}` });
    });
  }
  const causes = rows.map(([c]) => c);
  const total = (c: string) => (src.rows[c] ?? []).reduce((a, b) => a + b, 0);
  const empty = values.length === 0;
  const spec = top(HALF, 220, {
    layer: [
      ...faultBands(ax, bandWindows(r), HALF, r.metrics.endMicros, new LabelRows(0, HALF)),
      {
        data: { values: empty ? [{ from: 0, to: ax.domain[1], v: 0, cause: 'none', tip: 'no chunk left any reserve' }] : values },
        mark: { type: 'rect', aria: true },
        encoding: {
          x: xTime(ax, 'from'),
          x2: { field: 'to' },
          y: { field: 'v', type: 'quantitative', stack: 'zero', title: `chunks per ${formatMicros(width)}`, ...(empty ? { scale: { domain: [0, 1] }, axis: { values: [0, 1], format: 'd' } } : {}) },
          color: { field: 'cause', type: 'nominal', ...colours(empty ? ['none'] : causes, empty ? [INK] : causes.map((c) => CAUSE_COLOUR[c] ?? INK), 3, null) },
          ...TIP,
        },
      },
    ],
  });
  const counts = causes.map((c) => `${c} ${int(total(c))}`).join(', ');
  return { id: 'removals', title: 'Chunks leaving reserves', caption: `Chunks that left a reserve, by cause${counts ? ` (${counts})` : ': none'}: evicted over capacity below the radius, expired with their batch, wiped, lost (the data; the index keeps the entry), removed by the scenario.`, spec };
}

/** Bee's charts of a run report (a result without Bee's diagnosis has none). */
export function beeCharts(r: ResultJson, ax: TimeAxis, trouble: NodeTrouble[], wide: (build: (width: number) => Chart | undefined) => Chart | undefined): Chart[] {
  const bee = r.diagnosis?.bee;
  if (!bee) return [];
  const radius = { name: 'radius' as const, log: bee.radius };
  const strip = radiusNodes(r, trouble);
  const charts = [wide((w) => depthStrip(r, ax, w, strip, radius)), depthGroups(r, ax, HALF, radius), reserveChart(r, ax), removalsChart(r, ax)];
  return charts.filter((c): c is Chart => c !== undefined);
}
