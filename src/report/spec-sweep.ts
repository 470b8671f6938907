import { scaleLinear } from 'd3-scale';
import type { TopLevelSpec } from 'vega-lite';
import type { SweepJson } from './sweep.js';
import type { ResultJson } from './result.js';
import { BAD, GOOD, HALF, INK, NARROW, PALETTE, WIDE, colours, curve, inUnit, int, percentileRules, rebucket, round, runEnd, share, timeAxis, top, xTime, type Chart, type Obj, type Row, type TimeAxis } from './spec-kit.js';

// The charts of the sweep page and of the compare page.

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
  const dups = (width: number) => top(width, 200, {
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
    { id: 'sweep-duplicates', title: 'Duplicates per seed', caption: s.runs.length > 1000 ? 'Maximum over neighbouring seeds.' : 'Duplicate deliveries in each seed\'s run.', spec: dups(WIDE), narrow: dups(NARROW), wide: true },
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
    { id: 'compare-convergence', title: 'Convergence', caption: 'Share of (chunk, AoR node) pairs held over virtual time.', spec: lines(both('aor'), share('v', 'AoR pairs held')), narrow: lines(both('aor'), share('v', 'AoR pairs held'), NARROW), wide: true },
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
  const conv = (width: number) => top(width, 220, {
    data: { values: closed },
    mark: { type: 'line', interpolate: 'step-after', strokeWidth: 2 },
    encoding: { x: xTime(ax, 'from'), y: { field: 'count', type: 'quantitative', title: 'seeds' }, color: { field: 'sweep', type: 'nominal', ...scale } },
  });
  const seeds = [a, b].flatMap((s, k) => perSeed(s.runs, (x) => x.duplicates, 1000).map((r) => ({ ...r, sweep: names[k]! })));
  const dups = (width: number) => top(width, 200, {
    data: { values: seeds },
    mark: { type: 'point', filled: true, size: 18 },
    encoding: { x: { field: 'seed', type: 'quantitative', scale: { zero: false }, axis: { format: 'd' } }, y: { field: 'v', type: 'quantitative', title: 'duplicate deliveries' }, color: { field: 'sweep', type: 'nominal', ...scale } },
  });
  return [
    { id: 'compare-sweep-convergence', title: 'Convergence time across seeds', caption: 'Seeds per convergence-time bin.', spec: conv(WIDE), narrow: conv(NARROW), wide: true },
    { id: 'compare-sweep-duplicates', title: 'Duplicates per seed', caption: 'Duplicate deliveries in each seed\'s run.', spec: dups(WIDE), narrow: dups(NARROW), wide: true },
  ];
}
