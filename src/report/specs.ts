import { scaleLinear } from 'd3-scale';
import { formatMicros } from '../core/units.js';
import type { ResultJson } from './result.js';
import { beeCharts } from './spec-bee.js';
import { depthGroups, depthStrip, stripNodes, subscriptionChart } from './spec-depth.js';
import { bandWindows, faultBands, faultLanes } from './spec-faults.js';
import { allowedDuplicates, BAD, CONFIG, MESSAGE_ORDER, thresholdName, HALF, LabelRows, MAX_ROWS, NARROW, PALETTE, TIP, WIDE, colours, curve, depthColour, hoverSlices, inUnit, int, msgColour, percentileRules, rebucket, round, ruleLayers, runEnd, scenarioMarks, share, timeAxis, top, xTime, type Chart, type Obj, type Row, type TimeAxis } from './spec-kit.js';
import { nodeTrouble } from './trouble.js';
export { int, MAX_ROWS, PALETTE, runEnd, timeAxis, type Chart } from './spec-kit.js';
export { compareRunCharts, compareSweepCharts, convergenceBins, sweepCharts } from './spec-sweep.js';

const pct = (x: number) => `${(Math.round(x * 1000) / 10).toFixed(1)}%`;

/** The value of a step curve sampled at times `t` at time `at` (the last sample at or before it). */
function at<T>(t: number[], v: T[], when: number): T | undefined {
  let i = -1;
  for (let k = 0; k < t.length && t[k]! <= when; k++) i = k;
  return i < 0 ? undefined : v[i];
}

/**
 * Convergence in two panels sharing the time axis, each its own quantity and mark: the share of AoR pairs held (a
 * filled step curve), and the copies held beyond the AoR per AoR pair (a filled curve of another colour, below).
 */
function convergence(r: ResultJson, ax: TimeAxis, width: number): Chart {
  const c = r.series.convergence;
  const rows = curve(ax, c.t, (i) => ({ aor: round(c.aor[i]!), beyond: round(c.beyond[i]!) }), 1000);
  const end = r.metrics.endMicros;
  const labels = new LabelRows(5, width);
  const bands = faultBands(ax, bandWindows(r), width, end, labels);
  const tip = (t: number) => `${formatMicros(t)}: ${pct(at(c.t, c.aor, t) ?? 0)} of AoR pairs held, ${round(at(c.t, c.beyond, t) ?? 0)} copies beyond the AoR per AoR pair`;
  const filled = (field: string, colour: string): Obj[] => [
    { data: { values: rows }, mark: { type: 'area', interpolate: 'step-after', color: colour, opacity: 0.15 }, encoding: { x: xTime(ax), y: { field, type: 'quantitative' } } },
    { data: { values: rows }, mark: { type: 'line', interpolate: 'step-after', color: colour, strokeWidth: 2 }, encoding: { x: xTime(ax), y: { field, type: 'quantitative' } } },
  ];
  const held = {
    width,
    height: 250,
    layer: [...bands, ...filled('aor', PALETTE[0]!).map((l) => ({ ...l, encoding: { ...(l.encoding as Obj), y: share('aor', 'AoR pairs held') } })), ...ruleLayers(ax, scenarioMarks(r), width, labels), hoverSlices(ax, tip, 50)],
  };
  const beyond = {
    width,
    height: 90,
    layer: [
      ...faultBands(ax, bandWindows(r), width, end, new LabelRows(0, width)),
      ...filled('beyond', PALETTE[1]!).map((l) => ({ ...l, encoding: { ...(l.encoding as Obj), y: { field: 'beyond', type: 'quantitative', title: ['copies beyond', 'AoR per pair'], axis: { tickCount: 3 } } } })),
    ],
  };
  const spec = { background: 'white', padding: 8, config: CONFIG, spacing: 10, vconcat: [held, beyond] } as unknown as Chart['spec'];
  const protocol = (r.config.protocol ?? {}) as Record<string, unknown>;
  const timeout = typeof protocol.serverBatchTimeout === 'number' ? formatMicros(protocol.serverBatchTimeout) : '2s';
  const batch = typeof protocol.batchSize === 'number' ? protocol.batchSize : 64;
  const head = `Top: share of the ${int(r.metrics.aorPairs)} (chunk, area-of-responsibility node) pairs held. Bottom: copies held outside every area of responsibility, per AoR pair. `;
  const bee = `An area of responsibility is a node's storage radius. The puller starts once a node's warm-up ends (${typeof protocol.warmupTime === 'number' ? formatMicros(protocol.warmupTime) : '5m'} after its first connection); a server offers a page once it has ${typeof protocol.maxPage === 'number' ? protocol.maxPage : 250} chunks or ${typeof protocol.pageTimeout === 'number' ? formatMicros(protocol.pageTimeout) : '1s'} after its last one. Shaded: faults; dashed: the scenario's events; hover for values.`;
  if (thresholdName(r) === 'radius') return { id: 'convergence', title: 'Convergence', caption: head + bee, spec, wide: true };
  const caption =
    head +
    `The curve climbs in steps about ${timeout} apart: a server offers a batch once it has ${batch} hashes or ${timeout} after the last hash it collected (the server's idle batch timeout), ` +
    `so a burst's chunks wait up to ${timeout} at every hop. Shaded: faults; dashed: the scenario's events; hover for values.`;
  return { id: 'convergence', title: 'Convergence', caption, spec, wide: true };
}

function byDepth(r: ResultJson, ax: TimeAxis): Chart {
  const depths = Object.keys(r.series.byDepth).map(Number).sort((a, b) => a - b);
  const budget = Math.floor(MAX_ROWS / Math.max(1, depths.length));
  const name = (d: number) => `${d} (${int(r.series.byDepth[String(d)]!.pairs)})`;
  const rows = depths.flatMap((d) => {
    const s = r.series.byDepth[String(d)]!;
    return curve(ax, s.t, (i) => ({ held: round(s.held[i]!), depth: name(d) }), Math.min(budget, 300));
  });
  const what = thresholdName(r);
  const tip = (t: number) => `${formatMicros(t)}: ${depths.map((d) => `${what} ${d} ${pct(at(r.series.byDepth[String(d)]!.t, r.series.byDepth[String(d)]!.held, t) ?? 0)}`).join(', ')}`;
  const spec = top(HALF, 220, {
    layer: [
      ...faultBands(ax, bandWindows(r), HALF, r.metrics.endMicros, new LabelRows(0, HALF)),
      { data: { values: rows }, mark: { type: 'line', strokeWidth: 2, interpolate: 'step-after' }, encoding: { x: xTime(ax), y: share('held', 'AoR pairs held'), color: { field: 'depth', type: 'nominal', ...colours(depths.map(name), depths.map(depthColour), 4, `${what} (AoR pairs)`) } } },
      hoverSlices(ax, tip, 40),
    ],
  });
  const caption = `Share of AoR pairs held, grouped by the ${what === 'radius' ? 'storage radius' : 'Kademlia depth'} of the holding node at the end.`;
  return { id: 'by-depth', title: `Progress per ${what}`, caption, spec };
}

function traffic(r: ResultJson, ax: TimeAxis, which: 'messages' | 'bytes'): Chart {
  const src = r.series[which];
  const { width, rows } = rebucket(src.width, src.rows, 120, ax);
  const types = MESSAGE_ORDER.filter((n) => rows.some(([k]) => k === n));
  const [scale, unit] = which === 'bytes' ? [1e6, 'MB/s'] : [1, 'messages/s'];
  const values: Row[] = [];
  for (const [type, counts] of rows) {
    const o = MESSAGE_ORDER.indexOf(type);
    counts.forEach((v, i) => values.push({ t: inUnit(ax, i * width), v: round(v / scale / (width / 1e6)), type, o }));
  }
  const len = Math.max(0, ...rows.map(([, c]) => c.length));
  const tip = (t: number) => {
    const i = Math.min(len - 1, Math.floor(t / width));
    const parts = rows.filter(([, c]) => (c[i] ?? 0) > 0).map(([type, c]) => `${type} ${int(c[i]!)}`);
    return `${formatMicros(Math.max(0, i) * width)}–${formatMicros((Math.max(0, i) + 1) * width)}: ${parts.join(', ') || 'nothing'} ${which === 'bytes' ? 'bytes' : 'messages'}`;
  };
  const spec = top(HALF, 220, {
    layer: [
      ...faultBands(ax, bandWindows(r), HALF, r.metrics.endMicros, new LabelRows(0, HALF)),
      {
        data: { values },
        mark: { type: 'area', interpolate: 'step-after' },
        encoding: { x: xTime(ax), y: { field: 'v', type: 'quantitative', stack: 'zero', title: unit }, color: { field: 'type', type: 'nominal', ...colours(types, types.map((t) => msgColour(t))) }, order: { field: 'o', type: 'quantitative' } },
      },
      hoverSlices(ax, tip, 40),
    ],
  });
  return { id: which, title: which === 'bytes' ? 'Bytes per message type' : 'Messages per type', caption: `${unit} sent, stacked by message type, in buckets of ${formatMicros(width)}.`, spec };
}

function latency(r: ResultJson): Chart {
  const l = r.series.latency;
  const ax = timeAxis(Math.max(l.max, 1), 'upload → arrival');
  const rows = l.histogram.map((b) => ({ from: inUnit(ax, b.from), to: inUnit(ax, b.to), count: b.count, tip: `${formatMicros(b.from)}–${formatMicros(b.to)}: ${int(b.count)} arrivals` }));
  const spec = top(HALF, 220, {
    layer: [
      { data: { values: rows }, mark: { type: 'rect', color: PALETTE[0], stroke: 'white', strokeWidth: 0.5, aria: true }, encoding: { x: xTime(ax, 'from'), x2: { field: 'to' }, y: { field: 'count', type: 'quantitative', title: '(chunk, AoR node) arrivals' }, ...TIP } },
      ...percentileRules(ax, [['p50', l.p50], ['p90', l.p90], ['p99', l.p99]]),
    ],
    resolve: { scale: { y: 'independent' } },
  });
  return { id: 'latency', title: 'Arrival latency', caption: `Upload → arrival at each AoR node (origin excluded), ${int(l.count)} arrivals, max ${formatMicros(l.max)}.`, spec };
}

/** Nodes drawn one by one in the completion scatter (each carries a tooltip: about 200 bytes of SVG). */
const SCATTER_NODES = 600;

/** Per-node completion against depth: a jittered scatter, or circles sized by count when there are too many nodes. */
function completion(r: ResultJson, ax: TimeAxis): Chart {
  const nodes = r.series.nodeCompletion;
  const what = thresholdName(r);
  const end = inUnit(ax, r.metrics.quietMicros ?? r.metrics.endMicros);
  let rows: Row[];
  let size: Obj = { value: 22 };
  if (nodes.length <= SCATTER_NODES) {
    rows = nodes.map((n) => ({
      depth: round(n.depth + (((n.index * 0.6180339887) % 1) - 0.5) * 0.6),
      t: n.completedAt === null ? end : inUnit(ax, n.completedAt),
      state: n.completedAt === null ? 'incomplete' : 'complete',
      tip: `node ${n.index} (${what} ${n.depth}): ${n.completedAt === null ? 'incomplete' : `all ${int(n.pairs)} AoR pairs held at ${formatMicros(n.completedAt)}`}`,
    }));
  } else {
    const step = (ax.domain[1] - ax.domain[0]) / 60;
    const bins = new Map<string, Row>();
    for (const n of nodes) {
      const t = n.completedAt === null ? end : round(Math.floor(inUnit(ax, n.completedAt) / step) * step);
      const state = n.completedAt === null ? 'incomplete' : 'complete';
      const key = `${n.depth}|${t}|${state}`;
      const b = bins.get(key) ?? { depth: n.depth, t, state, count: 0, tip: '' };
      b.count = (b.count as number) + 1;
      b.tip = `${int(b.count)} nodes at ${what} ${n.depth} ${state === 'complete' ? `completed at about ${t} ${ax.title.replace(/.*\(|\)/g, '')}` : 'incomplete'}`;
      bins.set(key, b);
    }
    rows = [...bins.values()];
    size = { field: 'count', type: 'quantitative', title: 'nodes', legend: { orient: 'bottom' } };
  }
  const depths = [...new Set(nodes.map((n) => n.depth))].sort((a, b) => a - b);
  const spec = top(HALF, 220, {
    data: { values: rows },
    mark: { type: 'point', filled: true, opacity: 0.7, aria: true },
    encoding: {
      x: { field: 'depth', type: 'quantitative', title: `${what} of the node`, scale: { zero: false, padding: 10, ...(depths.length ? {} : { domain: [0, 1] }) }, axis: { values: depths, format: 'd' } },
      y: { ...xTime(ax), title: `completed at, ${ax.title}` },
      color: { field: 'state', type: 'nominal', ...colours(['complete', 'incomplete'], [PALETTE[0]!, BAD]) },
      shape: { field: 'state', type: 'nominal', scale: { domain: ['complete', 'incomplete'], range: ['circle', 'cross'] }, legend: { title: null, orient: 'bottom', direction: 'horizontal' } },
      size,
      ...TIP,
    },
  });
  return { id: 'completion', title: 'Per-node completion', caption: `When each node held the last of its AoR pairs, against its ${what} (incomplete nodes drawn as crosses at the end of the run).`, spec };
}

function duplicates(r: ResultJson, ax: TimeAxis): Chart {
  const { width, rows } = rebucket(r.series.duplicates.width, r.series.duplicates.rows, 120, ax);
  const counts = rows[0]?.[1] ?? [];
  const bar = (v: number, i: number) => ({ from: inUnit(ax, i * width), to: inUnit(ax, (i + 1) * width), v, tip: `${formatMicros(i * width)}–${formatMicros((i + 1) * width)}: ${int(v)} duplicates` });
  const values = counts.length ? counts.map(bar).filter((b) => b.v > 0) : [];
  const spec = top(HALF, 220, {
    layer: [
      ...faultBands(ax, bandWindows(r), HALF, r.metrics.endMicros, new LabelRows(0, HALF)),
      {
        data: { values: values.length ? values : [{ ...bar(0, 0), to: ax.domain[1] }] },
        mark: { type: 'rect', color: BAD, aria: true },
        encoding: { x: xTime(ax, 'from'), x2: { field: 'to' }, y: { field: 'v', type: 'quantitative', title: `duplicate deliveries per ${formatMicros(width)}`, ...(values.length ? {} : { scale: { domain: [0, 1] }, axis: { values: [0, 1], format: 'd' } }) }, ...TIP },
      },
    ],
  });
  return { id: 'duplicates', title: 'Duplicates over time', caption: `${int(r.metrics.duplicates)} chunk deliveries to a node that already held the chunk (allowed: ${allowedDuplicates(r)}).`, spec };
}

/** Counts of integer values as bars; many distinct values are grouped into at most 60 d3-scale bins. */
function histogram(values: number[], title: string, colour: (v: number) => string): Obj {
  const lo = values.reduce((a, b) => Math.min(a, b), Infinity);
  const hi = values.reduce((a, b) => Math.max(a, b), -Infinity);
  const edges = hi - lo < 60 ? Array.from({ length: hi - lo + 2 }, (_, i) => lo + i - 0.5) : scaleLinear().domain([lo, hi + 1]).nice(60).ticks(60);
  const rows = edges.slice(0, -1).map((from, i) => ({ from, to: edges[i + 1]!, mid: (from + edges[i + 1]!) / 2, count: 0, c: colour((from + edges[i + 1]!) / 2), tip: '' }));
  for (const v of values) {
    const i = rows.findIndex((b) => v >= b.from && v < b.to);
    rows[i === -1 ? rows.length - 1 : i]!.count++;
  }
  const whole = hi - lo < 60;
  for (const b of rows) b.tip = `${title} ${whole ? b.mid : `${b.from}–${b.to}`}: ${int(b.count)} nodes`;
  return {
    data: { values: rows },
    mark: { type: 'rect', stroke: 'white', strokeWidth: 0.5, aria: true },
    encoding: {
      x: { field: 'from', type: 'quantitative', title, scale: { zero: false, nice: false }, axis: { format: 'd', tickMinStep: 1 } },
      x2: { field: 'to' },
      y: { field: 'count', type: 'quantitative', title: 'nodes' },
      color: { field: 'c', type: 'nominal', scale: null, legend: null },
      ...TIP,
    },
  };
}

function topology(r: ResultJson): Chart[] {
  const depths = r.nodes.map((n) => n.depth);
  const deg = r.series.degree;
  return [
    { id: 'depths', title: 'Topology: depth', caption: `Kademlia depth of the ${int(r.nodes.length)} nodes at the end of the run.`, spec: top(HALF, 180, histogram(depths, 'depth', depthColour)) },
    { id: 'degree', title: 'Topology: degree', caption: `Connections per node (${int(r.links.length)} links at the end of the run).`, spec: top(HALF, 180, histogram(deg, 'connections per node', () => PALETTE[3]!)) },
  ];
}

/** A wide chart drawn at WIDE and again at NARROW width (for narrow windows). */
function wide(build: (width: number) => Chart | undefined): Chart | undefined {
  const big = build(WIDE);
  return big && { ...big, narrow: build(NARROW)!.spec };
}

/** Every chart of a run report, in page order (a result without a diagnosis has no faults, depth or subscription charts). */
export function runCharts(r: ResultJson): Chart[] {
  const ax = timeAxis(runEnd(r));
  const trouble = nodeTrouble(r);
  const strip = stripNodes(trouble);
  const charts = [
    wide((w) => faultLanes(r, ax, w)),
    wide((w) => convergence(r, ax, w)),
    ...beeCharts(r, ax, trouble, wide),
    wide((w) => depthStrip(r, ax, w, strip)),
    depthGroups(r, ax, HALF),
    subscriptionChart(r, ax, HALF),
    byDepth(r, ax),
    completion(r, ax),
    traffic(r, ax, 'messages'),
    traffic(r, ax, 'bytes'),
    latency(r),
    duplicates(r, ax),
    ...topology(r),
  ];
  return charts.filter((c): c is Chart => c !== undefined);
}

