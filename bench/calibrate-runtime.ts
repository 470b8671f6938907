// Calibrates the goroutine runtime's default costs (docs/runtime.md) against the Go client's
// BenchmarkHistoricalStream: an uploader with n chunks, a second node connects, the timer stops when the second
// node holds all n. Measured on this kind of machine (2 cores): 0.42 / 0.49 / 4.95 / 7.15 s for 1k / 2k / 10k / 20k.
//
// The ratios between the operations' costs are assumptions (RATIOS below, argued in docs/runtime.md); one scale
// factor k is fitted, and the benchmark's time is read as a + model(n): `a` is what its timer covers beyond the
// sync (connection set-up, the 50 ms+ polling of waitChunks), which the model does not have. The curve is not
// linear: 1k -> 2k adds 0.07 s, 2k -> 10k adds 4.46 s (Go's store slows as it grows; docs/runtime.md). The fit
// uses the small-store points, 1k and 2k (the Go test suite's receivers hold at most 5k chunks): two equations,
// two unknowns. The model's time is proportional to k (the sync is CPU-bound on the 2 cores).
//
//   node dist/bench/calibrate-runtime.js            # fit, then show the fitted costs against the Go figures
//   node dist/bench/calibrate-runtime.js --check    # only the table for the shipped defaults, halved and doubled
import { runScenario } from '../src/scenario/runner.js';
import { COST_DEFAULTS } from '../src/scenario/runtime-spec.js';
import { parseScenario } from '../src/scenario/schema.js';
import { shapedTopology } from '../src/topology/shapes.js';
import type { Costs } from '../src/protocol/env.js';

/** Go's BenchmarkHistoricalStream on a 2-core machine: chunks -> seconds. */
const GO: [number, number][] = [
  [1000, 0.42],
  [2000, 0.49],
  [10000, 4.95],
  [20000, 7.15],
];

/** The assumed proportions between the costs (microseconds at scale 1). */
const RATIOS: Costs = { handler: 20, send: 20, storeLookup: 10, get: 40, put: 150 };

const us = (x: number) => `${Math.round(x)}us`;

/** Seconds of virtual time until the second node holds all `chunks` (the benchmark's timer), and the machine's figures. */
function historySync(chunks: number, costs: Costs, cores = 2): { seconds: number; busy: number; drops: number } {
  const s = parseScenario(
    {
      pullsim: 1,
      name: 'calibrate',
      topology: { generate: { nodes: 2, shape: 'line' } },
      protocol: { syncInitBackoff: '0ms', redialDelay: '150ms' },
      links: { latency: '0ms', bandwidth: 'unlimited' },
      runtime: { handlers: 'goroutines', cores, costs: { handler: us(costs.handler), send: us(costs.send), storeLookup: us(costs.storeLookup), get: us(costs.get), put: us(costs.put) } },
      events: [{ at: '0s', upload: { node: 0, chunks } }],
    },
    'calibrate',
    'calibrate',
  );
  const topo = shapedTopology('line', 2, 1);
  const out = runScenario(s, topo, { seed: 1, details: false });
  if (!out.verdict.pass) throw new Error(`the calibration run of ${chunks} chunks failed: ${out.verdict.violations[0]?.detail}`);
  return { seconds: out.verdict.convergenceMicros / 1e6, busy: (out.world.machine?.busyMicros ?? 0) / 1e6, drops: out.traffic.drops.length };
}

const scaled = (c: Costs, k: number): Costs => ({ handler: c.handler * k, send: c.send * k, storeLookup: c.storeLookup * k, get: c.get * k, put: c.put * k });
const show = (c: Costs) => `handler ${us(c.handler)}, send ${us(c.send)}, storeLookup ${us(c.storeLookup)}, get ${us(c.get)}, put ${us(c.put)}`;

function table(label: string, costs: Costs, a: number): void {
  console.log(`\n${label}: ${show(costs)}; benchmark overhead a = ${a.toFixed(3)} s`);
  console.log('chunks   Go (s)   model (s)   a + model (s)   (a + model) / Go   core time (s)');
  for (const [n, go] of GO) {
    const r = historySync(n, costs);
    const t = a + r.seconds;
    console.log(`${String(n).padStart(6)}   ${go.toFixed(2).padStart(6)}   ${r.seconds.toFixed(3).padStart(9)}   ${t.toFixed(3).padStart(13)}   ${(t / go).toFixed(2).padStart(16)}   ${r.busy.toFixed(2).padStart(13)}`);
  }
}

/** The overhead a and scale k with go(1k) = a + k * t1, go(2k) = a + k * t2. */
function fit(t1: number, t2: number): { a: number; k: number } {
  const [[n1, g1], [n2, g2]] = GO as [[number, number], [number, number]];
  if (n1 !== 1000 || n2 !== 2000) throw new Error('assertion failed: the fit reads the 1k and 2k points');
  const k = (g2 - g1) / (t2 - t1);
  return { a: g1 - k * t1, k };
}

const overhead = (c: Costs) => GO[0]![1] - historySync(GO[0]![0], c).seconds;
if (process.argv.includes('--check')) {
  table('shipped defaults', COST_DEFAULTS, overhead(COST_DEFAULTS));
  table('halved', scaled(COST_DEFAULTS, 0.5), overhead(scaled(COST_DEFAULTS, 0.5)));
  table('doubled', scaled(COST_DEFAULTS, 2), overhead(scaled(COST_DEFAULTS, 2)));
} else {
  const { a, k } = fit(historySync(GO[0]![0], RATIOS).seconds, historySync(GO[1]![0], RATIOS).seconds);
  console.log(`fitted on 1k and 2k: scale k = ${k.toFixed(3)} on the ratios ${show(RATIOS)}, overhead a = ${a.toFixed(3)} s`);
  table('fitted', scaled(RATIOS, k), a);
  const logs = GO.map(([n, go]) => Math.log(go / historySync(n, RATIOS).seconds));
  const all = Math.exp(logs.reduce((x, y) => x + y, 0) / logs.length);
  console.log(`\nfor comparison, one scale on all four points without overhead (least squares on log times): k = ${all.toFixed(3)}`);
  table('all four points', scaled(RATIOS, all), 0);
}
