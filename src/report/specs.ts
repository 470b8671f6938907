import { scaleLinear } from 'd3-scale';
import type { TopLevelSpec } from 'vega-lite';
import { formatMicros, type Micros } from '../core/units.js';
import { MSG_NAMES } from '../protocol/stream/messages.js';
import type { SweepJson } from './sweep.js';
import type { ResultJson } from './result.js';
import { BAD, GOOD, HALF, INK, MAX_ROWS, PALETTE, WIDE, colours, curve, depthColour, inUnit, int, msgColour, rebucket, round, ruleLayers, runEnd, scenarioMarks, share, timeAxis, top, xTime, type Chart, type Obj, type Row, type TimeAxis } from './spec-kit.js';
export { int, MAX_ROWS, PALETTE, runEnd, timeAxis, type Chart } from './spec-kit.js';

function convergence(r: ResultJson, ax: TimeAxis): Chart {
  const c = r.series.convergence;
  const rows = curve(ax, c.t, (i) => ({ aor: round(c.aor[i]!), beyond: round(c.beyond[i]!) }), 1000);
  const names = ['AoR pairs held (left axis)', 'beyond-AoR holders per AoR pair (right axis)'];
  const line = (name: string, y: Obj): Obj => ({
    data: { values: rows },
    mark: { type: 'line', strokeWidth: 2, interpolate: 'step-after' },
    encoding: { x: xTime(ax), y, color: { datum: name, ...colours(names, [PALETTE[0]!, PALETTE[1]!], 2) } },
  });
  const spec = top(WIDE, 300, {
    layer: [
      line(names[0]!, share('aor', 'share of (chunk, AoR node) pairs held')),
      line(names[1]!, { field: 'beyond', type: 'quantitative', title: 'beyond-AoR holders per AoR pair', axis: { orient: 'right', grid: false } }),
      ...ruleLayers(ax, scenarioMarks(r), WIDE),
    ],
    resolve: { scale: { y: 'independent' } },
  });
  return { id: 'convergence', title: 'Convergence', caption: 'Share of (chunk, area-of-responsibility node) pairs held over virtual time; dashed rules mark the scenario\'s events.', spec, wide: true };
}

function byDepth(r: ResultJson, ax: TimeAxis): Chart {
  const depths = Object.keys(r.series.byDepth).map(Number).sort((a, b) => a - b);
  const budget = Math.floor(MAX_ROWS / Math.max(1, depths.length));
  const rows = depths.flatMap((d) => {
    const s = r.series.byDepth[String(d)]!;
    return curve(ax, s.t, (i) => ({ held: round(s.held[i]!), depth: `${d} (${int(s.pairs)})` }), Math.min(budget, 300));
  });
  const names = depths.map((d) => `${d} (${int(r.series.byDepth[String(d)]!.pairs)})`);
  const dc = depthColour(depths[0] ?? 0, depths[depths.length - 1] ?? 1);
  const spec = top(HALF, 220, {
    data: { values: rows },
    mark: { type: 'line', strokeWidth: 1.8, interpolate: 'step-after' },
    encoding: { x: xTime(ax), y: share('held', 'AoR pairs held'), color: { field: 'depth', type: 'nominal', ...colours(names, depths.map((d) => dc(d)), 3, 'depth (AoR pairs)') } },
  });
  return { id: 'by-depth', title: 'Progress per depth', caption: 'Share of AoR pairs held, grouped by the Kademlia depth of the holding node.', spec };
}

function traffic(r: ResultJson, ax: TimeAxis, which: 'messages' | 'bytes'): Chart {
  const src = r.series[which];
  const { width, rows } = rebucket(src.width, src.rows, 120);
  const types = MSG_NAMES.filter((n) => rows.some(([k]) => k === n));
  const [scale, unit] = which === 'bytes' ? [1e6, 'MB/s'] : [1, 'messages/s'];
  const values: Row[] = [];
  for (const [type, counts] of rows) {
    const o = MSG_NAMES.indexOf(type as (typeof MSG_NAMES)[number]);
    counts.forEach((v, i) => values.push({ t: inUnit(ax, i * width), v: round(v / scale / (width / 1e6)), type, o }));
  }
  const spec = top(HALF, 220, {
    data: { values },
    mark: { type: 'area', interpolate: 'step-after' },
    encoding: {
      x: xTime(ax),
      y: { field: 'v', type: 'quantitative', stack: 'zero', title: unit },
      color: { field: 'type', type: 'nominal', ...colours(types, types.map((t) => msgColour(t))) },
      order: { field: 'o', type: 'quantitative' },
    },
  });
  return { id: which, title: which === 'bytes' ? 'Bytes per message type' : 'Messages per type', caption: `${unit} sent, stacked by message type, in buckets of ${formatMicros(width)}.`, spec };
}

function percentileRules(ax: TimeAxis, ps: [string, Micros][]): Obj[] {
  const rows = ps.map(([name, v], i) => ({ t: inUnit(ax, v), label: `${name} ${formatMicros(v)}`, row: i }));
  return [
    { data: { values: rows }, mark: { type: 'rule', color: BAD, strokeDash: [4, 3] }, encoding: { x: xTime(ax) } },
    { data: { values: rows }, mark: { type: 'text', align: 'left', dx: 3, fontSize: 10, color: BAD }, encoding: { x: xTime(ax), y: { field: 'row', type: 'quantitative', scale: { domain: [0, 10], reverse: true }, axis: null }, text: { field: 'label' } } },
  ];
}

function latency(r: ResultJson): Chart {
  const l = r.series.latency;
  const ax = timeAxis(Math.max(l.max, 1), 'upload → arrival');
  const rows = l.histogram.map((b) => ({ from: inUnit(ax, b.from), to: inUnit(ax, b.to), count: b.count }));
  const spec = top(HALF, 220, {
    layer: [
      { data: { values: rows }, mark: { type: 'rect', color: PALETTE[0], stroke: 'white', strokeWidth: 0.5 }, encoding: { x: xTime(ax, 'from'), x2: { field: 'to' }, y: { field: 'count', type: 'quantitative', title: '(chunk, AoR node) arrivals' } } },
      ...percentileRules(ax, [['p50', l.p50], ['p90', l.p90], ['p99', l.p99]]),
    ],
    resolve: { scale: { y: 'independent' } },
  });
  return { id: 'latency', title: 'Arrival latency', caption: `Upload → arrival at each AoR node (origin excluded), ${int(l.count)} arrivals, max ${formatMicros(l.max)}.`, spec };
}

/** Per-node completion against depth: a jittered scatter, or circles sized by count when there are too many nodes. */
function completion(r: ResultJson, ax: TimeAxis): Chart {
  const nodes = r.series.nodeCompletion;
  const end = inUnit(ax, r.metrics.quietMicros ?? r.metrics.endMicros);
  let rows: Row[];
  let size: Obj = { value: 22 };
  if (nodes.length <= 2000) {
    rows = nodes.map((n) => ({ depth: round(n.depth + (((n.index * 0.6180339887) % 1) - 0.5) * 0.6), t: n.completedAt === null ? end : inUnit(ax, n.completedAt), state: n.completedAt === null ? 'incomplete' : 'complete', node: n.index }));
  } else {
    const step = (ax.domain[1] - ax.domain[0]) / 60;
    const bins = new Map<string, Row>();
    for (const n of nodes) {
      const t = n.completedAt === null ? end : round(Math.floor(inUnit(ax, n.completedAt) / step) * step);
      const state = n.completedAt === null ? 'incomplete' : 'complete';
      const key = `${n.depth}|${t}|${state}`;
      const b = bins.get(key) ?? { depth: n.depth, t, state, count: 0 };
      b.count = (b.count as number) + 1;
      bins.set(key, b);
    }
    rows = [...bins.values()];
    size = { field: 'count', type: 'quantitative', title: 'nodes', legend: { orient: 'bottom' } };
  }
  const depths = [...new Set(nodes.map((n) => n.depth))].sort((a, b) => a - b);
  const spec = top(HALF, 220, {
    data: { values: rows },
    mark: { type: 'point', filled: true, opacity: 0.7 },
    encoding: {
      x: { field: 'depth', type: 'quantitative', title: 'depth of the node', scale: { zero: false, padding: 10, ...(depths.length ? {} : { domain: [0, 1] }) }, axis: { values: depths, format: 'd' } },
      y: { ...xTime(ax), title: `completed at, ${ax.title}` },
      color: { field: 'state', type: 'nominal', ...colours(['complete', 'incomplete'], [PALETTE[0]!, BAD]) },
      shape: { field: 'state', type: 'nominal', scale: { domain: ['complete', 'incomplete'], range: ['circle', 'cross'] }, legend: { title: null, orient: 'bottom', direction: 'horizontal' } },
      size,
    },
  });
  return { id: 'completion', title: 'Per-node completion', caption: 'When each node held the last of its AoR pairs, against its depth (incomplete nodes drawn as crosses at the end of the run).', spec };
}

function duplicates(r: ResultJson, ax: TimeAxis): Chart {
  const { width, rows } = rebucket(r.series.duplicates.width, r.series.duplicates.rows, 120);
  const counts = rows[0]?.[1] ?? [];
  const values = counts.length ? counts.map((v, i) => ({ from: inUnit(ax, i * width), to: inUnit(ax, (i + 1) * width), v })) : [{ from: 0, to: ax.domain[1], v: 0 }];
  const spec = top(HALF, 220, {
    data: { values },
    mark: { type: 'rect', color: BAD },
    encoding: { x: xTime(ax, 'from'), x2: { field: 'to' }, y: { field: 'v', type: 'quantitative', title: `duplicate deliveries per ${formatMicros(width)}` } },
  });
  return { id: 'duplicates', title: 'Duplicates over time', caption: `${int(r.metrics.duplicates)} chunk deliveries to a node that already held the chunk (allowed: ${int(r.expect.maxDuplicates)}).`, spec };
}

/** Counts of integer values as bars; many distinct values are grouped into at most 60 d3-scale bins. */
function histogram(values: number[], title: string, colour: (v: number) => string): Obj {
  const lo = values.reduce((a, b) => Math.min(a, b), Infinity);
  const hi = values.reduce((a, b) => Math.max(a, b), -Infinity);
  const edges = hi - lo < 60 ? Array.from({ length: hi - lo + 2 }, (_, i) => lo + i - 0.5) : scaleLinear().domain([lo, hi + 1]).nice(60).ticks(60);
  const rows = edges.slice(0, -1).map((from, i) => ({ from, to: edges[i + 1]!, mid: (from + edges[i + 1]!) / 2, count: 0, c: colour((from + edges[i + 1]!) / 2) }));
  for (const v of values) {
    const i = rows.findIndex((b) => v >= b.from && v < b.to);
    rows[i === -1 ? rows.length - 1 : i]!.count++;
  }
  return {
    data: { values: rows },
    mark: { type: 'rect', stroke: 'white', strokeWidth: 0.5 },
    encoding: {
      x: { field: 'from', type: 'quantitative', title, scale: { zero: false, nice: false }, axis: { format: 'd', tickMinStep: 1 } },
      x2: { field: 'to' },
      y: { field: 'count', type: 'quantitative', title: 'nodes' },
      color: { field: 'c', type: 'nominal', scale: null, legend: null },
    },
  };
}

function topology(r: ResultJson): Chart[] {
  const depths = r.nodes.map((n) => n.depth);
  const dc = depthColour(depths.reduce((a, b) => Math.min(a, b), Infinity), depths.reduce((a, b) => Math.max(a, b), 0));
  const deg = r.series.degree;
  return [
    { id: 'depths', title: 'Topology: depth', caption: `Kademlia depth of the ${int(r.nodes.length)} nodes at the end of the run.`, spec: top(HALF, 180, histogram(depths, 'depth', (d) => dc(d))) },
    { id: 'degree', title: 'Topology: degree', caption: `Connections per node (${int(r.links.length)} links at the end of the run).`, spec: top(HALF, 180, histogram(deg, 'connections per node', () => PALETTE[3]!)) },
  ];
}

/** Every chart of a run report, in page order. */
export function runCharts(r: ResultJson): Chart[] {
  const ax = timeAxis(runEnd(r));
  return [convergence(r, ax), byDepth(r, ax), completion(r, ax), traffic(r, ax, 'messages'), traffic(r, ax, 'bytes'), latency(r), duplicates(r, ax), ...topology(r)];
}

/** Seeds as bars, or the maximum over runs of neighbouring seeds when there are more than `max`. */
function perSeed(runs: SweepJson['runs'], value: (s: SweepJson['runs'][number]) => number, max = 1000): Row[] {
  const k = Math.max(1, Math.ceil(runs.length / max));
  const out: Row[] = [];
  for (let i = 0; i < runs.length; i += k) {
    const group = runs.slice(i, i + k);
    out.push({ seed: group[0]!.seed, to: group[group.length - 1]!.seed + 1, v: Math.max(...group.map(value)), met: group.every((g) => g.expectationMet) ? 'expectation met' : 'expectation missed' });
  }
  return out;
}

/** A histogram of seeds' convergence times over d3-scale's nice bins, shared by one or two sweeps. */
export function convergenceBins(sweeps: { name: string; runs: SweepJson['runs'] }[], ax: TimeAxis): Row[] {
  const edges = scaleLinear().domain(ax.domain).nice(30).ticks(30);
  const step = edges[1]! - edges[0]!;
  const rows: Row[] = [];
  for (const s of sweeps) {
    const counts = new Array<number>(edges.length - 1).fill(0);
    for (const run of s.runs) counts[Math.min(counts.length - 1, Math.max(0, Math.floor((inUnit(ax, run.convergenceMicros) - edges[0]!) / step)))]! += 1;
    counts.forEach((count, i) => rows.push({ from: edges[i]!, to: edges[i + 1]!, count, sweep: s.name }));
  }
  return rows;
}

export function sweepCharts(s: SweepJson): Chart[] {
  const c = s.counts;
  const verdicts = [['pass', c.pass, GOOD], ['fail', c.fail, BAD], ['expectation met', c.expectationMet, GOOD], ['expectation missed', c.seeds - c.expectationMet, BAD]].map(([what, n, colour]) => ({ what, n, colour }));
  const counts = top(HALF, 120, {
    data: { values: verdicts },
    layer: [
      { mark: 'bar', encoding: { y: { field: 'what', type: 'nominal', sort: null, title: null }, x: { field: 'n', type: 'quantitative', title: 'seeds' }, color: { field: 'colour', type: 'nominal', scale: null, legend: null } } },
      { mark: { type: 'text', align: 'left', dx: 3, color: INK }, encoding: { y: { field: 'what', type: 'nominal', sort: null }, x: { field: 'n', type: 'quantitative' }, text: { field: 'n' } } },
    ],
  });
  const ax = timeAxis(Math.max(s.convergence.max, 1), 'convergence time');
  const conv = top(HALF, 220, {
    layer: [
      { data: { values: convergenceBins([{ name: s.scenario, runs: s.runs }], ax) }, mark: { type: 'rect', color: PALETTE[0], stroke: 'white', strokeWidth: 0.5 }, encoding: { x: xTime(ax, 'from'), x2: { field: 'to' }, y: { field: 'count', type: 'quantitative', title: 'seeds' } } },
      ...percentileRules(ax, [['p50', s.convergence.p50], ['p90', s.convergence.p90], ['p99', s.convergence.p99]]),
    ],
    resolve: { scale: { y: 'independent' } },
  });
  const dups = top(WIDE, 200, {
    data: { values: perSeed(s.runs, (x) => x.duplicates) },
    mark: { type: 'rect' },
    encoding: {
      x: { field: 'seed', type: 'quantitative', title: 'seed', scale: { zero: false, nice: false }, axis: { format: 'd' } },
      x2: { field: 'to' },
      y: { field: 'v', type: 'quantitative', title: 'duplicate deliveries' },
      color: { field: 'met', type: 'nominal', ...colours(['expectation met', 'expectation missed'], [PALETTE[0]!, BAD]) },
    },
  });
  return [
    { id: 'verdicts', title: 'Verdicts', caption: `${int(c.seeds)} seeds of ${s.scenario}.`, spec: counts },
    { id: 'sweep-convergence', title: 'Convergence time across seeds', caption: 'When the last AoR pair was stored, per seed.', spec: conv },
    { id: 'sweep-duplicates', title: 'Duplicates per seed', caption: s.runs.length > 1000 ? 'Maximum over neighbouring seeds.' : 'Duplicate deliveries in each seed\'s run.', spec: dups, wide: true },
  ];
}

/** Two runs overlaid: convergence, beyond-AoR holders, and total messages per second. */
export function compareRunCharts(a: ResultJson, b: ResultJson, names: [string, string]): Chart[] {
  const ax = timeAxis(Math.max(runEnd(a), runEnd(b)));
  const scale = colours(names, [PALETTE[0]!, PALETTE[1]!], 1);
  const dashes = { ...scale, scale: { domain: names, range: [[1, 0], [6, 3]] } };
  const both = (field: 'aor' | 'beyond'): Row[] =>
    [a, b].flatMap((r, k) => curve(ax, r.series.convergence.t, (i) => ({ v: round(r.series.convergence[field][i]!), run: names[k]! }), 1000));
  const rate = (r: ResultJson, k: number): Row[] => {
    const { width, rows } = rebucket(r.series.messages.width, r.series.messages.rows, 200);
    const len = Math.max(0, ...rows.map(([, c]) => c.length));
    return Array.from({ length: len }, (_, i) => ({ t: inUnit(ax, i * width), v: round(rows.reduce((s, [, c]) => s + (c[i] ?? 0), 0) / (width / 1e6)), run: names[k]! }));
  };
  const lines = (values: Row[], y: Obj, width = WIDE): TopLevelSpec =>
    top(width, 240, { data: { values }, mark: { type: 'line', strokeWidth: 2, interpolate: 'step-after' }, encoding: { x: xTime(ax), y, color: { field: 'run', type: 'nominal', ...scale }, strokeDash: { field: 'run', type: 'nominal', ...dashes } } });
  return [
    { id: 'compare-convergence', title: 'Convergence', caption: 'Share of (chunk, AoR node) pairs held over virtual time.', spec: lines(both('aor'), share('v', 'AoR pairs held')), wide: true },
    { id: 'compare-beyond', title: 'Holders beyond the AoR', caption: 'Beyond-AoR holders per AoR pair.', spec: lines(both('beyond'), { field: 'v', type: 'quantitative', title: 'per AoR pair' }, HALF) },
    { id: 'compare-messages', title: 'Messages', caption: 'All messages per second.', spec: lines([...rate(a, 0), ...rate(b, 1)], { field: 'v', type: 'quantitative', title: 'messages/s' }, HALF) },
  ];
}

/** Two sweeps overlaid: convergence-time distributions and duplicates per seed. */
export function compareSweepCharts(a: SweepJson, b: SweepJson, names: [string, string]): Chart[] {
  const ax = timeAxis(Math.max(a.convergence.max, b.convergence.max, 1), 'convergence time');
  const scale = colours(names, [PALETTE[0]!, PALETTE[1]!], 1);
  const bins = convergenceBins([{ name: names[0], runs: a.runs }, { name: names[1], runs: b.runs }], ax);
  // a step per bin from its start, closed at the last edge
  const closed = [...bins, ...names.map((sweep) => ({ from: bins[bins.length - 1]!.to, count: 0, sweep }))];
  const conv = top(WIDE, 220, {
    data: { values: closed },
    mark: { type: 'line', interpolate: 'step-after', strokeWidth: 2 },
    encoding: { x: xTime(ax, 'from'), y: { field: 'count', type: 'quantitative', title: 'seeds' }, color: { field: 'sweep', type: 'nominal', ...scale } },
  });
  const seeds = [a, b].flatMap((s, k) => perSeed(s.runs, (x) => x.duplicates, 1000).map((r) => ({ ...r, sweep: names[k]! })));
  const dups = top(WIDE, 200, {
    data: { values: seeds },
    mark: { type: 'point', filled: true, size: 18 },
    encoding: { x: { field: 'seed', type: 'quantitative', scale: { zero: false }, axis: { format: 'd' } }, y: { field: 'v', type: 'quantitative', title: 'duplicate deliveries' }, color: { field: 'sweep', type: 'nominal', ...scale } },
  });
  return [
    { id: 'compare-sweep-convergence', title: 'Convergence time across seeds', caption: 'Seeds per convergence-time bin.', spec: conv, wide: true },
    { id: 'compare-sweep-duplicates', title: 'Duplicates per seed', caption: 'Duplicate deliveries in each seed\'s run.', spec: dups, wide: true },
  ];
}
