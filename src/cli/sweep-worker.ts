import { parentPort, workerData } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { loadScenario } from '../scenario/loader.js';
import { runScenario } from '../scenario/runner.js';
import { withMutant } from '../scenario/mutants.js';
import type { SeedSummary } from './sweep.js';

/** A sweep worker: loads the scenario once, then runs each seed the main thread sends. */
const { file, mutant } = workerData as { file: string; mutant: string | undefined };
const loaded = loadScenario(file);
const topology = loaded.topology;
const scenario = mutant === undefined ? loaded.scenario : withMutant(loaded.scenario, mutant);
parentPort!.on('message', (seed: number) => {
  const o = runScenario(scenario, topology, { seed, wallClock: () => performance.now() });
  const v = o.verdict;
  const first = v.violations[0];
  const summary: SeedSummary = {
    seed,
    verdict: v.pass ? 'pass' : 'fail',
    expectationMet: o.expectationMet,
    fingerprint: o.fingerprint,
    convergenceMicros: v.convergenceMicros,
    endMicros: o.world.now,
    events: o.world.engine.processed,
    messages: Object.values(o.traffic.messages).reduce((a, b) => a + b, 0),
    bytes: o.traffic.bytes,
    duplicates: v.duplicates,
    missing: v.aorPairs - v.aorHeld,
    drops: Object.values(o.traffic.drops).reduce((a, b) => a + b, 0),
    violations: v.violations.length,
    ...(first ? { firstViolation: `${first.kind}: ${first.detail}` } : {}),
    wallMs: Math.round(o.wallMs),
  };
  parentPort!.postMessage(summary);
});
