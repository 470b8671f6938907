import { parentPort, workerData } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { loadScenario } from '../scenario/loader.js';
import { runScenario } from '../scenario/runner.js';
import { withMutant } from '../scenario/mutants.js';
import { withSwarmFaults } from '../scenario/swarm.js';
import type { SeedSummary } from '../report/sweep.js';

/** A sweep worker: loads the scenario once, then runs each seed the main thread sends. */
const { file, mutant, swarm } = workerData as { file: string; mutant: string | undefined; swarm: boolean };
const loaded = loadScenario(file);
const topology = loaded.topology;
const scenario = mutant === undefined ? loaded.scenario : withMutant(loaded.scenario, mutant);
parentPort!.on('message', (seed: number) => {
  const drawn = swarm ? withSwarmFaults(scenario, seed, topology) : undefined;
  const o = runScenario(drawn?.scenario ?? scenario, topology, { seed, wallClock: () => performance.now() });
  const v = o.verdict;
  // the reason a seed failed: the most serious property it broke (duplicates only when beyond the bound)
  const order = ['missing', 'liveness', 'exclusion', 'range', 'offer', 'radius', 'stored-twice', 'out-of-radius', 'drop'];
  const first = [...v.violations].filter((x) => x.kind !== 'duplicate').sort((x, y) => order.indexOf(x.kind) - order.indexOf(y.kind))[0];
  const dupReason = v.duplicates > (scenario.expect.maxDuplicates ?? Infinity) ? `duplicates: ${v.duplicates} > maxDuplicates ${scenario.expect.maxDuplicates}` : undefined;
  const summary: SeedSummary = {
    seed,
    verdict: v.pass ? 'pass' : 'fail',
    expectationMet: o.expectationMet,
    fingerprint: o.fingerprint,
    convergenceMicros: v.convergenceMicros,
    endMicros: o.world.now,
    quietMicros: o.world.lastActive,
    events: o.world.engine.processed,
    messages: Object.values(o.traffic.messages).reduce((a, b) => a + b, 0),
    bytes: o.traffic.bytes,
    deliveries: o.checks.arrivals,
    duplicates: v.duplicates,
    missing: v.aorPairs - v.aorHeld,
    drops: Object.values(o.traffic.drops).reduce((a, b) => a + b, 0),
    violations: v.violations.length,
    ...(first ? { firstViolation: `${first.kind}: ${first.detail}` } : dupReason ? { firstViolation: dupReason } : {}),
    wallMs: Math.round(o.wallMs),
    ...(drawn ? { faults: drawn.mix } : {}),
  };
  parentPort!.postMessage(summary);
});
