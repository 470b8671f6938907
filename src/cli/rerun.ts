import { existsSync, statSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { UsageError } from '../core/errors.js';
import { configHash, type ResultJson } from '../report/result.js';
import { loadScenario } from '../scenario/loader.js';
import { withMutant } from '../scenario/mutants.js';
import { runScenario } from '../scenario/runner.js';
import type { Scenario } from '../scenario/schema.js';
import { withSwarmFaults } from '../scenario/swarm.js';
import type { TraceRecord } from '../scenario/trace-format.js';
import type { Topology } from '../topology/topology.js';

/** What a run was made of: its scenario (with its mutant and swarm faults), topology and seed, and the file. */
export interface RunSource {
  file: string;
  scenario: Scenario;
  topology: Topology;
  seed: number;
}

/** The words of a reproduce line (single-quoted words as reproduce.ts writes them). */
function words(line: string): string[] | undefined {
  const out: string[] = [];
  const re = /\s*(?:'((?:[^']|'\\'')*)'|(\S+))/gy;
  let m: RegExpExecArray | null;
  let end = 0;
  while ((m = re.exec(line)) !== null) {
    out.push(m[1] !== undefined ? m[1].replace(/'\\''/g, "'") : m[2]!);
    end = re.lastIndex;
  }
  return line.slice(end).trim() === '' ? out : undefined;
}

/** result.json's portable reproduce line: the scenario path (relative to where the run was made) and the flags. */
function parseReproduce(r: ResultJson, resultFile: string): { path: string; mutant?: string; swarm: boolean } {
  const w = words(r.reproduce);
  const fail = () => new UsageError(resultFile, '$.reproduce', 'a reproduce line explain can replay: pullsim run FILE --seed N [--mutant NAME] [--swarm]', JSON.stringify(r.reproduce));
  if (!w || w[0] !== 'pullsim' || w[1] !== 'run' || w[2] === undefined) throw fail();
  const out: { path: string; mutant?: string; swarm: boolean } = { path: w[2], swarm: false };
  for (let i = 3; i < w.length; i++) {
    if (w[i] === '--seed' && w[i + 1] === String(r.seed)) i++;
    else if (w[i] === '--mutant' && w[i + 1] !== undefined) out.mutant = w[++i]!;
    else if (w[i] === '--swarm') out.swarm = true;
    else throw fail();
  }
  return out;
}

/** Where the scenario may be: from the working folder, from each folder above the result, or as given. */
function candidates(path: string, resultFile: string, explicit: string | undefined): string[] {
  const out = explicit !== undefined ? [explicit] : isAbsolute(path) ? [path] : [resolve(path)];
  for (let d = dirname(resolve(resultFile)); explicit === undefined && !isAbsolute(path); d = dirname(d)) {
    out.push(resolve(d, path));
    if (dirname(d) === d) break;
  }
  return [...new Set(out)].filter((f) => existsSync(f) && statSync(f).isFile());
}

/**
 * Finds the scenario a result was made from: the reproduce line's path, tried from the working folder and from each
 * folder above the result file (or the `--scenario` file), with the run's mutant and swarm faults; the one whose
 * configuration and topology hash to the result's configHash. Bad or changed input is a UsageError.
 */
export function locateRun(r: ResultJson, resultFile: string, explicit?: string): RunSource {
  const rep = parseReproduce(r, resultFile);
  const files = candidates(rep.path, resultFile, explicit);
  const flag = explicit !== undefined ? '--scenario' : '$.reproduce';
  if (files.length === 0) {
    throw new UsageError(explicit !== undefined ? 'command line' : resultFile, flag, `the scenario file the run was made from (${JSON.stringify(rep.path)}, relative to the folder it ran in: run explain there, or name the file with --scenario)`, 'no such file');
  }
  let seen = '';
  for (const file of files) {
    const loaded = loadScenario(file);
    const mutated = rep.mutant === undefined ? loaded.scenario : withMutant(loaded.scenario, rep.mutant);
    const scenario = rep.swarm ? withSwarmFaults(mutated, r.seed, loaded.topology).scenario : mutated;
    const hash = configHash(scenario, loaded.topology);
    if (hash === r.configHash) return { file, scenario, topology: loaded.topology, seed: r.seed };
    seen = `${file} gives config ${hash}`;
  }
  throw new UsageError(resultFile, '$.configHash', `a scenario file whose configuration and topology are still the run's (config ${r.configHash}); the scenario changed since the run: run it again and explain the new result`, seen);
}

/**
 * Runs the scenario again, recording a trace that keeps what `filter` names, and checks it is the same run (its
 * fingerprint). A different fingerprint means the code changed since the run.
 */
export function traceAgain(src: RunSource, r: ResultJson, resultFile: string, filter: { nodes: number[]; chunks: string[] }): TraceRecord[] {
  const o = runScenario(src.scenario, src.topology, { seed: src.seed, details: false, trace: { filter, limit: Infinity } });
  if (o.fingerprint !== r.fingerprint) {
    throw new UsageError(resultFile, '$.fingerprint', `a run this code replays to the same fingerprint (it gives ${o.fingerprint}: the code changed since the run; run the scenario again and explain the new result)`, r.fingerprint);
  }
  return o.trace!.records;
}
