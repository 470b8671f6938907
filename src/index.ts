/**
 * pullsim as a library: load a scenario, run it on a seed, read its verdict and result, write its report.
 *
 *   import { loadScenario, runScenario, writeRunReport } from 'pullsim';
 *   const outcome = await runScenario(await loadScenario('my.json'), { seed: 7 });
 *   if (!outcome.pass) console.log(outcome.verdict.violations);
 *
 * The world and the protocol's nodes stay internal: what a run yields is its verdict and the result file's data.
 */
// tidy: wall-clock allowed (the run's wallMs, as the CLI reports it; the simulation never reads it)
import { performance } from 'node:perf_hooks';
import { checkFolder, writeFile } from './cli/files.js';
import { jsonPieces } from './cli/output.js';
import { UsageError } from './core/errors.js';
import { buildResult, configHash, type ResultJson } from './report/result.js';
import { loadScenario as load } from './scenario/loader.js';
import { withMutant } from './scenario/mutants.js';
import { runScenario as run } from './scenario/runner.js';
import type { Scenario } from './scenario/schema.js';
import { withSwarmFaults } from './scenario/swarm.js';
import type { Topology } from './topology/topology.js';
import type { Verdict } from './check/verdict.js';

export { UsageError };
export type { ResultJson, Metrics, Series } from './report/result.js';
export type { Verdict, Violation, ViolationKind, ChunkFacts } from './check/verdict.js';
export type { Scenario, TimedAction, Action, NodeRef, TopologySpec } from './scenario/schema.js';
export type { SweepJson, SeedSummary } from './report/sweep.js';
export { runReportHtml, sweepReportHtml, compareHtml } from './report/html.js';

/** A scenario file read and checked, with its topology: all a run needs. */
export interface LoadedScenario {
  readonly file: string;
  readonly scenario: Scenario;
  readonly topology: Topology;
}

export interface RunScenarioOptions {
  /** the run's seed (default: the scenario's) */
  seed?: number;
  /** switch on one re-introduced bug (the names `pullsim mutants` lists) */
  mutant?: string;
  /** add the fault mix `pullsim sweep --swarm` draws for this seed */
  swarm?: boolean;
}

/** What one run yields. */
export interface Outcome {
  /** the checker's verdict passed */
  readonly pass: boolean;
  /** the verdict is what the scenario's `expect` says */
  readonly expectationMet: boolean;
  readonly seed: number;
  /** a hash over every processed event: the same seed, scenario and code give the same value */
  readonly fingerprint: string;
  readonly verdict: Verdict;
  /** what makes the verdict say less than it seems (uploads that did not happen, nothing to check) */
  readonly warnings: readonly string[];
  /** the data `pullsim run` writes as result.json */
  readonly result: ResultJson;
}

/** Reads and checks a scenario file and its topology; bad input throws a UsageError naming file, JSON path and expectation. */
export async function loadScenario(path: string): Promise<LoadedScenario> {
  const { scenario, topology } = load(path);
  return { file: path, scenario, topology };
}

/** Runs a loaded scenario on one seed and judges it. */
export async function runScenario(loaded: LoadedScenario, options: RunScenarioOptions = {}): Promise<Outcome> {
  const seed = options.seed ?? loaded.scenario.seed;
  if (!Number.isSafeInteger(seed) || seed < 0) throw new UsageError('options', 'seed', 'a non-negative integer', String(seed));
  const mutated = options.mutant === undefined ? loaded.scenario : withMutant(loaded.scenario, options.mutant);
  const scenario = options.swarm ? withSwarmFaults(mutated, seed, loaded.topology).scenario : mutated;
  const o = run(scenario, loaded.topology, { seed, wallClock: () => performance.now() });
  const result = buildResult(o, loaded.file, configHash(scenario, loaded.topology), options.mutant, options.swarm);
  return { pass: o.verdict.pass, expectationMet: o.expectationMet, seed, fingerprint: o.fingerprint, verdict: o.verdict, warnings: o.warnings, result };
}

/** Writes result.json into `dir` (created if needed); an existing file there that is not a pullsim result is kept unless `force`. */
export async function writeResult(dir: string, result: ResultJson, force = false): Promise<string> {
  checkFolder(dir, [['result.json', 'result']], { flag: 'dir', force });
  const file = `${dir.replace(/\/+$/, '')}/result.json`;
  writeFile(file, function* () {
    yield* jsonPieces(result);
    yield '\n';
  });
  return file;
}

/** Writes the run's HTML report (index.html) into `dir`; returns its path. */
export async function writeRunReport(dir: string, result: ResultJson, force = false): Promise<string> {
  checkFolder(dir, [['index.html', 'page']], { flag: 'dir', force });
  const { writeRunReport: write } = await import('./cli/report.js');
  return write(dir, result);
}
