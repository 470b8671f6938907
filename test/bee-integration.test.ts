/**
 * Bee as the world's second protocol, end to end: a run on a small network through the runner (world, timeline,
 * checkers, result), the same verdict and summary with the checkers in their own thread on 2,000 nodes, and the
 * same fingerprint in two processes.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildResult } from '../src/report/result.js';
import { parseScenario } from '../src/scenario/schema.js';
import { runScenario } from '../src/scenario/runner.js';
import { generateTopology } from '../src/topology/generate.js';
import { loadSnapshot } from '../src/topology/snapshot.js';
import { judged } from './helpers/judged.js';
import { ROOT, runCli } from './helpers/process.js';

const scenario = (json: Record<string, unknown>) => parseScenario({ pullsim: 1, topology: { snapshot: 'in-memory' }, ...json }, 'mem.json', 'bee');

test('a Bee network of 16 nodes runs through the world: every node holds every chunk within its radius, announced and observed', () => {
  const s = scenario({
    protocol: { kind: 'bee', warmupTime: '10s', networkRadius: 1, minimumRadius: 1 },
    events: [{ at: '0s', upload: { node: 'random', chunks: 60 } }, { at: '40s', upload: { node: 3, chunks: 20, batch: 2 } }],
  });
  const o = runScenario(s, loadSnapshot(join(ROOT, 'snapshots/generated-16.json')), { seed: 1 });
  assert.ok(o.verdict.pass, o.verdict.violations.slice(0, 3).map((v) => v.detail).join('; '));
  assert.ok(o.verdict.quiescent);
  assert.equal(o.verdict.thresholds, new Array(16).fill(1), 'every node announced the network radius when its warm-up ended');
  assert.ok(o.verdict.aorPairs > 80 * 6, `${o.verdict.aorPairs} pairs: each chunk within radius 1 of about half the nodes`);
  assert.is(o.verdict.aorHeld, o.verdict.aorPairs);
  assert.ok(o.traffic.messages.Delivery! > 0 && o.traffic.messages.StreamInfoReq === undefined, "Bee's messages on the wire");
  const r = buildResult(o, 'mem.json', 'hash');
  assert.equal(r.nodes.map((n) => n.radius), o.verdict.thresholds, 'result.json: nodes[].radius');
  assert.equal(Object.keys(r.metrics.protocol ?? {}), ['outOfRadius', 'evicted', 'radiusUp', 'radiusDown']);
  assert.is(r.metrics.protocol!.outOfRadius, 0);
  assert.ok(r.diagnosis?.bee && r.diagnosis.subscriptions === undefined, "Bee's diagnosis, not stream!'s");
  assert.is(r.diagnosis!.bee!.reserveAtEnd.reduce((a, b) => a + b, 0), r.nodes.reduce((a, n) => a + (n.up ? (n as { stored: number }).stored : 0), 0), "the report's reserve sizes are the nodes' own counts");
});

test('2,000 Bee nodes with an overfull reserve, a wipe, lost data and an expired batch: the same verdict and summary with the checkers in their own thread', () => {
  const s = scenario({
    protocol: { kind: 'bee', warmupTime: '10s', networkRadius: 11, minimumRadius: 11, capacity: 2 },
    events: [
      { at: '0s', upload: { node: 'random', chunks: 400 } },
      { at: '0s', upload: { node: 'random', chunks: 100, batch: 1 } },
      { at: '30s', stop: { node: 5 } },
      { at: '31s', wipe: { node: 7 } },
      { at: '31s', loseData: { chunks: [[0, 40]] } },
      { at: '32s', expireBatch: { batch: 1, node: 11 } },
    ],
  });
  const topology = generateTopology(2000, 1, { binSize: 1, neighbourhoodSize: 2 });
  const here = runScenario(s, topology, { seed: 1, checkThread: false });
  const there = runScenario(s, topology, { seed: 1, checkThread: true });
  assert.is(there.fingerprint, here.fingerprint);
  const m = here.checks.metrics;
  assert.ok(m.evicted! > 0 && m.radiusUp! > 2000, `evictions and overflows happened: ${JSON.stringify(m)}`);
  assert.ok(here.verdict.chunks.length === 500 && here.checks.arrivals > 0);
  assert.is(judged(there), judged(here));
});

test('a Bee scenario with faults run in two processes prints the same fingerprint', async () => {
  const cwd = mkdtempSync(join(tmpdir(), 'pullsim-bee-'));
  const file = join(ROOT, 'scenarios/mutants/bee-4290.json');
  const fp = async () => /fingerprint ([0-9a-f]{16})/.exec((await runCli(['run', file, '--seed', '3', '--out', join(cwd, 'out'), '--force'], cwd)).stdout)?.[1];
  const a = await fp();
  assert.match(a ?? '', /^[0-9a-f]{16}$/);
  assert.is(await fp(), a);
});

test.run();
