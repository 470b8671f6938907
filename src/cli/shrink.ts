import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { UsageError } from '../core/errors.js';
import { SECOND } from '../core/units.js';
import { durationText } from '../scenario/emit.js';
import { loadScenario, type Loaded } from '../scenario/loader.js';
import { withMutant } from '../scenario/mutants.js';
import { withSwarmFaults } from '../scenario/swarm.js';
import type { Provenance } from '../scenario/shrink/file.js';
import { prepare } from '../scenario/shrink/prepare.js';
import { PROPERTY_ORDER, shows } from '../scenario/shrink/probe.js';
import { Search } from '../scenario/shrink/search.js';
import { shrink } from '../scenario/shrink/shrink.js';
import type { State } from '../scenario/shrink/state.js';
import { readJsonFile } from '../topology/read-json.js';
import { checkFolder } from './files.js';
import { err, out } from './io.js';
import { bold, fmtInt, Progress, warn } from './output.js';
import { portablePath, terminalLine } from './reproduce.js';
import { ShrinkPool } from './shrink-pool.js';
import { writeShrunk, type Written } from './shrink-write.js';
import { variantFolder } from './sweep.js';

export interface ShrinkArgs {
  scenario: string;
  seed?: number;
  mutant?: string;
  /** the fault mix `sweep --swarm` draws for the seed */
  swarm?: boolean;
  property?: string;
  out?: string;
  json: boolean;
  maxRuns?: number;
  jobs?: number;
  force?: boolean;
}

export interface Sizes {
  nodes: number;
  chunks: number;
  events: number;
}

/** The command's JSON (`--json`): these keys, in this order. */
export interface ShrinkJson {
  property: string;
  mutant: string | null;
  /** the seed the shrunk scenario runs on (its file's "seed") */
  seed: number;
  before: Sizes;
  after: Sizes;
  runs: number;
  scenario: string;
}

export const DEFAULT_MAX_RUNS = 2000;
/** Candidates are cut at twice the original run's end plus this, in whole seconds (never later than its maxTime). */
const BOUND_SLACK_MICROS = 60_000_000;

/**
 * `pullsim shrink`: the smallest scenario found that still shows a violation of the same property as the given run,
 * written as a plain scenario file (a snapshot of its own beside it when the topology shrank), re-run, with its
 * result and report; a one-line summary.
 */
export async function shrinkCommand(a: ShrinkArgs): Promise<{ code: number; json: ShrinkJson }> {
  const t0 = performance.now();
  if (a.property !== undefined && !/^[a-z][a-z0-9-]{0,40}$/.test(a.property)) throw new UsageError('command line', '--property', `a property (violation kind) such as ${PROPERTY_ORDER.join(', ')}`, JSON.stringify(a.property));
  const loaded = loadScenario(a.scenario);
  const raw = readJsonFile(a.scenario, 'a scenario file') as Record<string, unknown>;
  const mutated = a.mutant === undefined ? loaded.scenario : withMutant(loaded.scenario, a.mutant);
  const seed = a.seed ?? mutated.seed;
  const scenario = a.swarm ? withSwarmFaults(mutated, seed, loaded.topology).scenario : mutated;
  const dir = a.out ?? join(variantFolder(scenario.name, a.mutant, a.swarm), `shrink-${seed}${a.property !== undefined ? `-${a.property}` : ''}`);
  checkFolder(dir, [['scenario.json', 'scenario'], ['snapshot.json', 'snapshot'], ['result.json', 'result'], ['index.html', 'page']], { flag: a.out === undefined ? 'the default output folder' : '--out', force: a.force ?? false });
  const provenance = (property: string): Provenance => ({ from: portablePath(a.scenario), seed, ...(a.mutant !== undefined ? { mutant: a.mutant } : {}), ...(a.swarm ? { swarm: true } : {}), property });
  const progress = new Progress();
  let differential = a.mutant !== undefined;
  const pool = new ShrinkPool(Math.max(1, a.jobs ?? availableParallelism()), a.maxRuns ?? DEFAULT_MAX_RUNS, (st, property) => prepare(st, raw, provenance(property ?? 'any'), property, differential));
  try {
    const start: State = { scenario, topology: loaded.topology, seed };
    progress.update(`shrink ${scenario.name} seed ${seed}: the first run`);
    const request = prepare(start, raw, provenance(a.property ?? 'any'), a.property, differential);
    if (!request) throw new Error(`assertion failed: ${a.scenario}, written back as a shrink writes it, is not a valid scenario`);
    const first = await pool.probe({ ...request, uploads: true });
    const property = first.property;
    if (property === undefined) throw new UsageError('command line', '--seed', `a seed on which ${scenario.name}${a.mutant ? ` with mutant ${a.mutant}` : ''} shows a violation`, `seed ${seed}, which shows none`);
    if (!shows(first, property)) {
      throw new UsageError('command line', '--property', `a property the run violates (seed ${seed} shows ${shown(first.kinds)}${first.quiescent ? '' : '; it was cut at maxTime, so only liveness'})`, JSON.stringify(property));
    }
    // a failure the unmutated protocol shows as well cannot be pinned on the mutant: then any one will do
    if (first.baseline && shows(first.baseline, property)) differential = false;
    pool.property = property;
    const bound = Math.min(scenario.run.maxTime, Math.ceil((2 * first.endMicros + BOUND_SLACK_MICROS) / SECOND) * SECOND);
    const bounded: State = { ...start, scenario: { ...scenario, run: { ...scenario.run, maxTime: bound } } };
    const x = new Search(bounded, first, property, pool, (s) => progress.update(`shrink ${scenario.name}: ${s.phase}, ${s.size.nodes} nodes/${s.size.chunks} chunks/${s.size.events} events, ${pool.runs} runs`));
    await shrink(x);
    progress.done();
    const written = await writeShrunk(dir, x.history, { loaded, raw, provenance: provenance(property), scenarioFile: a.scenario });
    const json: ShrinkJson = { property, mutant: a.mutant ?? null, seed: written.seed, before: sizesOf({ scenario, topology: loaded.topology }), after: written.after, runs: pool.runs, scenario: written.file };
    const seconds = (performance.now() - t0) / 1000;
    if (a.json) out(JSON.stringify(json, null, 2));
    else out(textLines(a, json, written, { seed, first: first.kinds, bound, spent: pool.spent, seconds, differential }).join('\n'));
    if (!written.reproduces) err(warn(`pullsim shrink: not even the original scenario, as rewritten, shows the ${property} violation again: see ${written.file}`));
    return { code: written.reproduces ? 0 : 1, json };
  } finally {
    progress.done();
    await pool.close();
  }
}

/** `before` of the summary: the run that was shrunk (the scenario as its file says it, and a swarm run's faults). */
function sizesOf(l: Loaded): Sizes {
  const chunks = l.scenario.events.reduce((n, e) => n + ('upload' in e.action ? e.action.upload.chunks : 0), 0);
  return { nodes: l.topology.ids.length, chunks, events: l.scenario.events.length };
}

const shown = (kinds: Record<string, number>) => Object.entries(kinds).map(([k, n]) => `${k} ${fmtInt(n)}`).join(', ') || 'none';

/** The one-line summary: `shrunk: 256 nodes/2500 chunks/14 events -> 4/1/1 in 312 runs, 41 s`. */
export function summaryLine(j: Pick<ShrinkJson, 'before' | 'after' | 'runs'>, seconds: number): string {
  const b = j.before;
  const f = j.after;
  const secs = seconds < 10 ? seconds.toFixed(1) : String(Math.round(seconds));
  return `shrunk: ${b.nodes} nodes/${b.chunks} chunks/${b.events} events -> ${f.nodes}/${f.chunks}/${f.events} in ${j.runs} runs, ${secs} s`;
}

function textLines(a: ShrinkArgs, j: ShrinkJson, w: Written, o: { seed: number; first: Record<string, number>; bound: number; spent: boolean; seconds: number; differential: boolean }): string[] {
  const chosen = a.property !== undefined ? 'as asked' : `the first of ${PROPERTY_ORDER.join(', ')} it shows`;
  return [
    `${bold('pullsim shrink')} ${portablePath(a.scenario)} seed ${o.seed}${a.mutant ? ` mutant ${a.mutant}` : ''}${a.swarm ? ' with its swarm faults' : ''}`,
    `  property ${bold(j.property)} (${chosen}; the run shows ${shown(o.first)}); candidates cut at ${durationText(o.bound)} virtual`,
    ...(a.mutant === undefined ? [] : [o.differential ? `  a candidate counted only when, run without mutant ${a.mutant}, it does not show ${j.property}` : `  the run without mutant ${a.mutant} shows ${j.property} too: every ${j.property} violation counted`]),
    ...(o.spent ? [`  ${warn('stopped')} at --max-runs ${a.maxRuns ?? DEFAULT_MAX_RUNS}: the result may shrink further`] : []),
    ...w.notes.map((n) => `  ${warn('note')}: ${n}`),
    `  scenario ${w.file}${w.snapshot ? ` (topology ${w.snapshot})` : ''}`,
    `  first ${j.property} violation: ${w.firstViolation}`,
    `  result ${join(dirname(w.file), 'result.json')}, report ${w.report}`,
    `  reproduce: ${terminalLine(w.file, { seed: j.seed })}`,
    summaryLine(j, o.seconds),
  ];
}
