import { formatMicros, type Micros } from '../core/units.js';
import type { FaultKind, FaultWindow } from '../scenario/faults.js';
import type { ResultJson } from './result.js';
import { FONT, INK, LabelRows, MARK_COLOUR, TIP, inUnit, labelLayers, type Label, int, round, scenarioMarks, top, xTime, type Chart, type Obj, type TimeAxis } from './spec-kit.js';

// Fault windows on the report's time charts: shaded, labelled bands (in the scenario's own units), and a chart of
// lanes, one per fault and one per node that went down, so churn is one band a node rather than many rules.

export const FAULT_COLOUR: Record<FaultKind, string> = { links: '#9c755f', partition: '#e15759', churn: '#b07aa1', down: '#b07aa1', pause: '#76b7b2' };
/** Lanes shown at most; the rest are counted in the caption. */
const MAX_LANES = 32;

/** The windows every time chart shades: faults of the whole network or a link's model; per-node downs and pauses have lanes. */
export function bandWindows(r: ResultJson): FaultWindow[] {
  return (r.diagnosis?.faults.windows ?? []).filter((w) => w.kind !== 'down' && w.kind !== 'pause');
}

const span = (w: FaultWindow, end: Micros) => `${formatMicros(w.from)} → ${w.to === null ? `end of run (${formatMicros(end)})` : formatMicros(w.to)}`;

/**
 * Shaded bands behind a time chart, each labelled at the top in the first free row of `labels` (which the
 * chart's rule labels then share) and carrying a tooltip with its span.
 */
export function faultBands(ax: TimeAxis, windows: FaultWindow[], width: number, end: Micros, labels: LabelRows): Obj[] {
  if (windows.length === 0) return [];
  const placed: Label[] = [];
  const rows = windows.map((w) => {
    const from = inUnit(ax, w.from);
    const to = round(Math.min(inUnit(ax, w.to ?? end), ax.domain[1]));
    const c = FAULT_COLOUR[w.kind];
    const at = labels.place((from / ax.domain[1]) * width, w.label);
    // a label that does not fit after the band's start ends at the band's end instead
    if (at) placed.push({ t: at.right ? to : from, label: w.label, c, ...at });
    return { from, to, c, tip: `${w.label}: ${span(w, end)}` };
  });
  return [
    { data: { values: rows }, mark: { type: 'rect', opacity: 0.14, aria: true }, encoding: { x: xTime(ax, 'from'), x2: { field: 'to' }, fill: { field: 'c', type: 'nominal', scale: null, legend: null }, ...TIP } },
    ...labelLayers(ax, placed, true),
  ];
}

/** One lane: a fault, or a node's downs and pauses together. */
interface Lane {
  name: string;
  windows: FaultWindow[];
}

function lanes(windows: FaultWindow[]): Lane[] {
  const out: Lane[] = [];
  const perNode = new Map<number, Lane>();
  for (const w of windows) {
    if ((w.kind === 'down' || w.kind === 'pause') && w.nodes?.length === 1) {
      const node = w.nodes[0]!;
      let lane = perNode.get(node);
      if (!lane) perNode.set(node, (lane = { name: `node ${node}`, windows: [] })), out.push(lane);
      lane.windows.push(w);
    } else out.push({ name: w.label, windows: [w] });
  }
  return out;
}

/** The faults as a chart of lanes, with the scenario's instant events (uploads, heals, removals) as ticks on a lane of their own. */
export function faultLanes(r: ResultJson, ax: TimeAxis, width: number): Chart | undefined {
  const d = r.diagnosis;
  if (!d || d.faults.windows.length === 0) return undefined;
  const end = r.metrics.endMicros;
  const all = lanes(d.faults.windows);
  const shown = all.slice(0, MAX_LANES);
  const events = 'scenario events';
  const names = [events, ...shown.map((l) => l.name)];
  const bars = shown.flatMap((l) =>
    l.windows.map((w) => ({ lane: l.name, from: inUnit(ax, w.from), to: round(Math.min(inUnit(ax, w.to ?? end), ax.domain[1])), c: FAULT_COLOUR[w.kind], tip: `${w.label}: ${span(w, end)}${w.to !== null ? ` (${formatMicros(w.to - w.from)})` : ''}` })),
  );
  const ticks = scenarioMarks(r)
    .filter((m) => m.kind !== 'drop')
    .map((m) => ({ lane: events, t: inUnit(ax, m.at), c: MARK_COLOUR[m.kind] ?? INK, tip: `${m.label} at ${formatMicros(m.at)}` }));
  // the lane names take room left of the plot: the plot is narrower by as much, so the chart keeps its width
  // (vega reserves 0.8 em a character for text it cannot measure)
  const labels = Math.min(width >= 900 ? 340 : 220, Math.ceil(Math.max(...names.map((x) => x.length)) * 0.8 * FONT) + 8);
  const y = { field: 'lane', type: 'nominal', title: null, sort: names, scale: { domain: names }, axis: { labelLimit: labels, labelFontSize: FONT } };
  const colour = { field: 'c', type: 'nominal', scale: null, legend: null };
  const spec = top(width - labels + 50, names.length * 18, {
    layer: [
      { data: { values: bars }, mark: { type: 'bar', height: 12, aria: true }, encoding: { y, x: xTime(ax, 'from'), x2: { field: 'to' }, fill: colour, ...TIP } },
      { data: { values: ticks }, mark: { type: 'tick', thickness: 2, size: 14, aria: true }, encoding: { y, x: xTime(ax), color: colour, ...TIP } },
    ],
  });
  const more = all.length - shown.length;
  const caption = `One lane per fault, in the scenario's units, and one per node that was stopped or paused (all its downtimes in one lane); ticks on the first lane are the scenario's instant events.${more > 0 ? ` ${int(more)} more lanes are in result.json.` : ''}${d.faults.dropped > 0 ? ` ${int(d.faults.dropped)} windows past the first 2,000 were not kept.` : ''}`;
  return { id: 'faults', title: 'Faults', caption, spec, wide: true };
}
