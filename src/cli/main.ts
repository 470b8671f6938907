import { readFileSync } from 'node:fs';
import yargs, { type Argv } from 'yargs';
import { UsageError } from '../core/errors.js';
import { err, out } from './io.js';
import { runCommand } from './run.js';
import { sweepCommand } from './sweep.js';
import { generateCommand, topologyCommand } from './topology.js';

export const EXIT_USAGE = 2;
export const EXIT_BUG = 3;
const COMMANDS = 'run, sweep, shrink, explain, report, compare, gate, sweep-merge, mutants, snapshot generate, topology';

export function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

function seedArg(v: unknown, flag = '--seed'): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (typeof v === 'boolean' || !/^\d+$/.test(String(v)) || !Number.isSafeInteger(n)) {
    throw new UsageError('command line', flag, `a non-negative integer up to ${Number.MAX_SAFE_INTEGER}`, JSON.stringify(v));
  }
  return n;
}

function positiveInt(v: unknown, flag: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (typeof v === 'boolean' || !/^\d+$/.test(String(v)) || !Number.isSafeInteger(n) || n < 1) throw new UsageError('command line', flag, 'a positive integer', JSON.stringify(v));
  return n;
}

/** "3,17,20": node indexes, each at most once. */
function nodeList(v: unknown, flag: string): number[] {
  const text = typeof v === 'string' ? v : '';
  const parts = text.split(',');
  if (!parts.every((p) => /^\d{1,9}$/.test(p)) || new Set(parts.map(Number)).size !== parts.length) throw new UsageError('command line', flag, 'node indexes separated by commas, each once (e.g. 3,17)', JSON.stringify(v));
  return parts.map(Number);
}

/** A path flag given without a value (yargs then passes "") or more than once (an array). */
function pathArg(v: unknown, flag: string): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v === '') throw new UsageError('command line', flag, 'one path', JSON.stringify(v));
  return v;
}

const force = { type: 'boolean', default: false, describe: 'replace files that are not pullsim outputs of the same kind' } as const;

type Args = Record<string, unknown> & { _: (string | number)[] };
type Handler = (a: Args) => Promise<number> | number;

/** The commands: usage, description, options, and what runs (yargs parses; main dispatches). */
const COMMAND_LIST: { name: string; usage: string; describe: string; options: (c: Argv) => Argv; run: Handler }[] = [
  {
    name: 'run',
    usage: 'run <scenario>',
    describe: 'run a scenario file on one seed; write result.json',
    options: (c) =>
      c
        .positional('scenario', { type: 'string', demandOption: true, describe: 'scenario JSON file' })
        .option('seed', { type: 'string', describe: "seed (default: the scenario's)" })
        .option('out', { type: 'string', describe: 'output folder (default reports/<name>/<seed>/; mutant and swarm runs get a folder of their own)' })
        .option('json', { type: 'boolean', default: false, describe: 'print a JSON summary' })
        .option('trace', { type: 'boolean', default: false, describe: 'also write trace.jsonl: every message, store, depth and subscription change, drop and fault (docs/trace.md)' })
        .option('trace-limit', { type: 'string', describe: 'the most records trace.jsonl keeps (default 1000000)' })
        .option('trace-nodes', { type: 'string', describe: 'trace only what touches these nodes, e.g. 3,17 (and every depth change, node stop and fault)' })
        .option('check-determinism', { type: 'boolean', default: false, describe: 'run twice and compare fingerprints' })
        .option('mutant', { type: 'string', describe: 'switch on a re-introduced bug (see pullsim mutants)' })
        .option('swarm', { type: 'boolean', default: false, describe: 'add the fault mix sweep --swarm draws for this seed' })
        .option('report', { type: 'boolean', default: false, describe: 'also write index.html (charts) next to result.json' })
        .option('force', force),
    run: async (a) => {
      const out = pathArg(a.out, '--out');
      const mutant = optString(a.mutant, '--mutant');
      const done = await runCommand({
        scenario: String(a.scenario),
        seed: seedArg(a.seed),
        ...(out !== undefined ? { out } : {}),
        json: a.json === true,
        trace: a.trace === true || a['trace-limit'] !== undefined || a['trace-nodes'] !== undefined,
        ...(a['trace-limit'] !== undefined ? { traceLimit: positiveInt(a['trace-limit'], '--trace-limit')! } : {}),
        ...(a['trace-nodes'] !== undefined ? { traceNodes: nodeList(a['trace-nodes'], '--trace-nodes') } : {}),
        checkDeterminism: a['check-determinism'] === true,
        ...(mutant !== undefined ? { mutant } : {}),
        swarm: a.swarm === true,
        report: a.report === true,
        force: a.force === true,
      });
      return done.code;
    },
  },
  {
    name: 'sweep',
    usage: 'sweep <scenario>',
    describe: 'run a scenario over many seeds in parallel',
    options: (c) =>
      c
        .positional('scenario', { type: 'string', demandOption: true })
        .option('seeds', { type: 'string', demandOption: true, describe: 'e.g. 1-500 or 1,4,9-12' })
        .option('jobs', { type: 'string', describe: 'worker threads (default: one per core)' })
        .option('shard', { type: 'string', describe: 'i/n: run only the i-th of n parts of the seeds' })
        .option('mutant', { type: 'string', describe: 'switch on a re-introduced bug (see pullsim mutants)' })
        .option('swarm', { type: 'boolean', default: false, describe: 'draw a fault mix per seed (churn, spikes, partitions, throttling), then heal' })
        .option('out', { type: 'string', describe: 'summary JSON file' })
        .option('json', { type: 'boolean', default: false })
        .option('report', { type: 'boolean', default: false, describe: 'also write an HTML page next to the summary JSON' })
        .option('force', force),
    run: async (a) => {
      const out = pathArg(a.out, '--out');
      const mutant = optString(a.mutant, '--mutant');
      const shard = optString(a.shard, '--shard');
      const done = await sweepCommand({
        scenario: String(a.scenario),
        seeds: String(a.seeds),
        ...(a.jobs !== undefined ? { jobs: positiveInt(a.jobs, '--jobs')! } : {}),
        ...(shard !== undefined ? { shard } : {}),
        ...(mutant !== undefined ? { mutant } : {}),
        ...(out !== undefined ? { out } : {}),
        swarm: a.swarm === true,
        json: a.json === true,
        report: a.report === true,
        force: a.force === true,
      });
      return done.code;
    },
  },
  {
    name: 'shrink',
    usage: 'shrink <scenario>',
    describe: 'shrink a failing run to a small scenario that still fails the same way; write it, its result and report',
    options: (c) =>
      c
        .positional('scenario', { type: 'string', demandOption: true, describe: 'scenario JSON file' })
        .option('seed', { type: 'string', describe: "the failing run's seed (default: the scenario's)" })
        .option('mutant', { type: 'string', describe: 'switch on a re-introduced bug (see pullsim mutants)' })
        .option('swarm', { type: 'boolean', default: false, describe: 'the fault mix sweep --swarm draws for this seed (written out as events)' })
        .option('property', { type: 'string', describe: 'the violation kind to keep (default: the most serious the run shows)' })
        .option('out', { type: 'string', describe: 'output folder (default reports/<name>[/mutant-<m>]/shrink-<seed>/)' })
        .option('json', { type: 'boolean', default: false, describe: 'print a JSON summary' })
        .option('max-runs', { type: 'string', describe: 'stop after this many candidate runs (default 2000)' })
        .option('jobs', { type: 'string', describe: 'worker threads (default: one per core); the result does not depend on it' })
        .option('force', force),
    run: async (a) => {
      const { shrinkCommand } = await import('./shrink.js');
      const out = pathArg(a.out, '--out');
      const mutant = optString(a.mutant, '--mutant');
      const property = optString(a.property, '--property');
      const seed = seedArg(a.seed);
      const maxRuns = positiveInt(a['max-runs'], '--max-runs');
      const jobs = positiveInt(a.jobs, '--jobs');
      const done = await shrinkCommand({
        scenario: String(a.scenario),
        ...(seed !== undefined ? { seed } : {}),
        ...(mutant !== undefined ? { mutant } : {}),
        ...(property !== undefined ? { property } : {}),
        ...(out !== undefined ? { out } : {}),
        ...(maxRuns !== undefined ? { maxRuns } : {}),
        ...(jobs !== undefined ? { jobs } : {}),
        swarm: a.swarm === true,
        json: a.json === true,
        force: a.force === true,
      });
      return done.code;
    },
  },
  {
    name: 'explain',
    usage: 'explain <run>',
    describe: "tell the story of one of a run's violations: the messages, depth and subscription changes, drops and faults that led to it",
    options: (c) =>
      c
        .positional('run', { type: 'string', demandOption: true, describe: 'a run folder or its result.json' })
        .option('violation', { type: 'string', describe: "which violation: its index in result.json's violations (default 0)" })
        .option('json', { type: 'boolean', default: false, describe: 'print {"violation", "lanes", "steps"} as JSON' })
        .option('out', { type: 'string', describe: "also write the story's sequence diagram to this .svg file" })
        .option('scenario', { type: 'string', describe: "the run's scenario file, when the reproduce line's path does not lead to it" })
        .option('force', force),
    run: async (a) => {
      const { explainCommand } = await import('./explain.js');
      const out = pathArg(a.out, '--out');
      const scenario = pathArg(a.scenario, '--scenario');
      const violation = a.violation === undefined ? undefined : seedArg(a.violation, '--violation');
      return explainCommand({
        run: String(a.run),
        ...(violation !== undefined ? { violation } : {}),
        json: a.json === true,
        ...(out !== undefined ? { out } : {}),
        ...(scenario !== undefined ? { scenario } : {}),
        force: a.force === true,
      });
    },
  },
  {
    name: 'snapshot',
    usage: 'snapshot <action>',
    describe: 'snapshot tools: generate',
    options: (c) =>
      c
        .positional('action', { choices: ['generate'] as const, demandOption: true })
        .option('nodes', { type: 'string', demandOption: true, describe: 'number of nodes (2..100000)' })
        .option('seed', { type: 'string', default: '1' })
        .option('out', { type: 'string', describe: 'file to write (default: stdout)' })
        .option('bin-size', { type: 'string', describe: 'peers dialled per Kademlia bin (default 4)' })
        .option('neighbourhood-size', { type: 'string', default: '2' })
        .option('force', force),
    run: (a) => {
      const nodes = positiveInt(a.nodes, '--nodes')!;
      if (nodes < 2 || nodes > 100_000) throw new UsageError('command line', '--nodes', 'a number of nodes from 2 to 100000', JSON.stringify(a.nodes));
      const binSize = positiveInt(a['bin-size'], '--bin-size');
      const out = pathArg(a.out, '--out');
      return generateCommand({
        nodes,
        seed: seedArg(a.seed)!,
        ...(out !== undefined ? { out } : {}),
        ...(binSize !== undefined ? { binSize } : {}),
        neighbourhoodSize: positiveInt(a['neighbourhood-size'], '--neighbourhood-size')!,
        force: a.force === true,
      });
    },
  },
  {
    name: 'topology',
    usage: 'topology <file>',
    describe: 'per-node depth, degree and peers per bin of a snapshot',
    options: (c) => c.positional('file', { type: 'string', demandOption: true }).option('json', { type: 'boolean', default: false }).option('neighbourhood-size', { type: 'string', default: '2' }),
    run: (a) => topologyCommand(String(a.file), a.json === true, positiveInt(a['neighbourhood-size'], '--neighbourhood-size')!),
  },
  {
    name: 'report',
    usage: 'report <paths..>',
    describe: "write index.html for run folders, result.json files or sweep summaries; print each page's path",
    options: (c) => c.positional('paths', { type: 'string', array: true, demandOption: true, describe: 'run folders, result.json or sweep summary files' }).option('force', force),
    run: async (a) => {
      const { reportCommand } = await import('./report.js');
      return reportCommand((a.paths as unknown[]).map(String), a.force === true);
    },
  },
  {
    name: 'compare',
    usage: 'compare <a> <b>',
    describe: 'two runs (or two sweeps) side by side: overlaid curves and a table of deltas',
    options: (c) =>
      c
        .positional('a', { type: 'string', demandOption: true, describe: 'run folder, result.json or sweep summary' })
        .positional('b', { type: 'string', demandOption: true, describe: 'the same kind as A' })
        .option('out', { type: 'string', describe: 'HTML file (default reports/compare-<A>-vs-<B>/index.html)' })
        .option('force', force),
    run: async (a) => {
      const { compareCommand } = await import('./report.js');
      return compareCommand(String(a.a), String(a.b), pathArg(a.out, '--out'), a.force === true);
    },
  },
  {
    name: 'gate',
    usage: 'gate',
    describe: 'run the CI suite on its baseline seeds; exit 1 on a regression against the baseline',
    options: (c) =>
      c
        .option('suite', { type: 'string', default: 'scenarios/ci', describe: 'folder of scenario files and baseline.json' })
        .option('baseline', { type: 'string', describe: 'baseline file (default <suite>/baseline.json)' })
        .option('update', { type: 'boolean', default: false, describe: 'rewrite the baseline from these runs (exit 0)' })
        .option('seeds', { type: 'string', describe: 'with --update: seeds for scenarios new to the baseline, e.g. 1-3' })
        .option('allow-trajectory-change', { type: 'boolean', default: false, describe: 'a changed fingerprint alone does not fail' })
        .option('junit', { type: 'string', describe: 'also write JUnit XML to this file' })
        .option('json', { type: 'boolean', default: false, describe: 'print machine-readable results' })
        .option('force', force),
    run: async (a) => {
      const { gateCommand } = await import('./gate.js');
      const baseline = pathArg(a.baseline, '--baseline');
      const junit = pathArg(a.junit, '--junit');
      const seeds = optString(a.seeds, '--seeds');
      return gateCommand({
        suite: pathArg(a.suite, '--suite')!,
        ...(baseline !== undefined ? { baseline } : {}),
        update: a.update === true,
        json: a.json === true,
        ...(junit !== undefined ? { junit } : {}),
        allowTrajectoryChange: a['allow-trajectory-change'] === true,
        ...(seeds !== undefined ? { seeds } : {}),
        force: a.force === true,
      });
    },
  },
  {
    name: 'sweep-merge',
    usage: 'sweep-merge <files..>',
    describe: 'merge the summaries of sharded sweeps (one scenario, disjoint seeds) into one',
    options: (c) =>
      c
        .positional('files', { type: 'string', array: true, demandOption: true, describe: 'sweep summary JSON files' })
        .option('out', { type: 'string', describe: 'merged summary file (default reports/<name>/sweep-<seeds>.json)' })
        .option('force', force),
    run: async (a) => {
      const { sweepMergeCommand } = await import('./sweep-merge.js');
      const out = pathArg(a.out, '--out');
      return sweepMergeCommand({ files: (a.files as unknown[]).map(String), ...(out !== undefined ? { out } : {}), force: a.force === true });
    },
  },
  {
    name: 'mutants',
    usage: 'mutants',
    describe: 'run every re-introduced bug on its scenario and seeds; report what the checker caught',
    options: (c) =>
      c
        .option('seeds', { type: 'string', default: '5', describe: 'seeds 1..N per mutant' })
        .option('only', { type: 'string', array: true, describe: 'only these mutants' })
        .option('json', { type: 'boolean', default: false }),
    run: async (a) => {
      const { mutantsCommand } = await import('./mutants.js');
      return mutantsCommand({ seeds: positiveInt(a.seeds, '--seeds')!, json: a.json === true, ...(a.only ? { only: (a.only as unknown[]).map(String) } : {}) });
    },
  },
];

/** A string flag given at most once. */
function optString(v: unknown, flag: string): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new UsageError('command line', flag, 'one value', JSON.stringify(v));
  return v;
}

/**
 * yargs lays out a command's whole help text after parsing it, to have it ready should the handler ask for it:
 * about 25 ms a call (the in-process bad-input suite makes hundreds). pullsim never asks, so that step is skipped;
 * --help and the no-argument help build their text when asked, as before.
 */
function skipHelpCache(y: Argv): Argv {
  const internal = (y as unknown as { getInternalMethods?: () => { getUsageInstance(): { cacheHelpMessage(): void } } }).getInternalMethods?.();
  if (internal) internal.getUsageInstance().cacheHelpMessage = () => undefined;
  return y;
}

function parser(argv: string[]): Argv {
  let y = skipHelpCache(yargs(argv));
  for (const c of COMMAND_LIST) y = y.command(c.usage, c.describe, c.options);
  return y
    .scriptName('pullsim')
    .usage("$0 <command> [options]\n\nA deterministic simulator of Swarm's pull sync: the Go client's stream! protocol and Bee's pullsync.")
    .demandCommand(1, `a command: ${COMMANDS}`)
    .strict()
    .fail((msg, e) => {
      if (e) throw e;
      throw new UsageError('command line', 'arguments', `valid pullsim arguments (${COMMANDS}; see pullsim --help)`, msg);
    })
    .help()
    .version(version())
    .exitProcess(false)
    .showHelpOnFail(false)
    .wrap(Math.min(110, process.stdout.columns || 110));
}

/**
 * The command line, callable in-process: runs the command `argv` names and returns its exit code. Bad input is one
 * line on stderr and code 2; a bug prints its stack and gives code 3.
 */
export async function main(argv: string[]): Promise<number> {
  let code = 0;
  try {
    if (argv.length === 0) {
      out(await parser([]).getHelp());
      return 0;
    }
    let printed = '';
    const a = (await parser(argv).parseAsync(argv, {}, (_e, _a, output) => {
      printed = output;
    })) as Args;
    if (printed) {
      out(printed);
      return 0;
    }
    const command = COMMAND_LIST.find((c) => c.name === a._[0]);
    if (!command) throw new UsageError('command line', 'arguments', `a command: ${COMMANDS}`, JSON.stringify(a._[0]));
    code = await command.run(a);
    return code;
  } catch (e) {
    if (e instanceof UsageError) {
      err(`pullsim: ${e.message.replace(/\s*\n\s*/g, ' ')}`);
      return EXIT_USAGE;
    }
    err(String((e as Error).stack ?? e));
    return EXIT_BUG;
  }
}
