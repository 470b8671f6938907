#!/usr/bin/env node
// The only place that touches process.argv, stdout and exit codes.
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { UsageError } from './core/errors.js';
import { runCommand } from './cli/run.js';
import { sweepCommand } from './cli/sweep.js';
import { generateCommand, topologyCommand } from './cli/topology.js';

const EXIT_USAGE = 2;

function seedArg(v: unknown): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (typeof v === 'boolean' || !/^\d+$/.test(String(v)) || !Number.isSafeInteger(n)) {
    throw new UsageError('command line', '--seed', 'a non-negative integer', JSON.stringify(v));
  }
  return n;
}

function positiveInt(v: unknown, flag: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 1) throw new UsageError('command line', flag, 'a positive integer', JSON.stringify(v));
  return n;
}

async function main(argv: string[]): Promise<number> {
  let code = 0;
  await yargs(argv)
    .scriptName('pullsim')
    .usage('$0 <command> [options]\n\nA deterministic simulator of Swarm\'s pull-sync (stream!) protocol.')
    .command(
      'run <scenario>',
      'run a scenario file on one seed; write result.json',
      (y) =>
        y
          .positional('scenario', { type: 'string', demandOption: true, describe: 'scenario JSON file' })
          .option('seed', { type: 'string', describe: 'seed (default: the scenario\'s)' })
          .option('out', { type: 'string', describe: 'output folder (default reports/<name>/<seed>/)' })
          .option('json', { type: 'boolean', default: false, describe: 'print a JSON summary' })
          .option('trace', { type: 'boolean', default: false, describe: 'also write trace.jsonl of every processed event' })
          .option('check-determinism', { type: 'boolean', default: false, describe: 'run twice and compare fingerprints' })
          .option('mutant', { type: 'string', describe: 'switch on a re-introduced bug (see pullsim mutants)' })
          .option('swarm', { type: 'boolean', default: false, describe: 'add the fault mix sweep --swarm draws for this seed' })
          .option('report', { type: 'boolean', default: false, describe: 'also write index.html (charts) next to result.json' }),
      async (a) => {
        const done = runCommand({
          scenario: a.scenario,
          seed: seedArg(a.seed),
          ...(a.out !== undefined ? { out: a.out } : {}),
          json: a.json,
          trace: a.trace,
          checkDeterminism: a['check-determinism'],
          ...(a.mutant !== undefined ? { mutant: a.mutant } : {}),
          swarm: a.swarm,
        });
        code = done.code;
        if (a.report) {
          const { writeRunReport } = await import('./cli/report.js');
          (a.json ? console.error : console.log)(`report ${await writeRunReport(done.dir, done.result)}`);
        }
      },
    )
    .command(
      'sweep <scenario>',
      'run a scenario over many seeds in parallel',
      (y) =>
        y
          .positional('scenario', { type: 'string', demandOption: true })
          .option('seeds', { type: 'string', demandOption: true, describe: 'e.g. 1-500 or 1,4,9-12' })
          .option('jobs', { type: 'string', describe: 'worker threads (default: one per core)' })
          .option('shard', { type: 'string', describe: 'i/n: run only the i-th of n parts of the seeds' })
          .option('mutant', { type: 'string', describe: 'switch on a re-introduced bug (see pullsim mutants)' })
          .option('swarm', { type: 'boolean', default: false, describe: 'draw a fault mix per seed (churn, spikes, partitions, throttling), then heal' })
          .option('out', { type: 'string', describe: 'summary JSON file' })
          .option('json', { type: 'boolean', default: false })
          .option('report', { type: 'boolean', default: false, describe: 'also write an HTML page next to the summary JSON' }),
      async (a) => {
        const done = await sweepCommand({
          scenario: a.scenario,
          seeds: a.seeds,
          ...(a.jobs !== undefined ? { jobs: positiveInt(a.jobs, '--jobs')! } : {}),
          ...(a.shard !== undefined ? { shard: a.shard } : {}),
          ...(a.mutant !== undefined ? { mutant: a.mutant } : {}),
          ...(a.out !== undefined ? { out: a.out } : {}),
          swarm: a.swarm,
          json: a.json,
        });
        code = done.code;
        if (a.report) {
          const { writeSweepReport } = await import('./cli/report.js');
          (a.json ? console.error : console.log)(`report ${await writeSweepReport(done.file, done.summary)}`);
        }
      },
    )
    .command('snapshot <action>', 'snapshot tools: generate', (y) =>
      y
        .positional('action', { choices: ['generate'] as const, demandOption: true })
        .option('nodes', { type: 'string', demandOption: true, describe: 'number of nodes (2..100000)' })
        .option('seed', { type: 'string', default: '1' })
        .option('out', { type: 'string', describe: 'file to write (default: stdout)' })
        .option('bin-size', { type: 'string', describe: 'peers dialled per Kademlia bin (default 4)' })
        .option('neighbourhood-size', { type: 'string', default: '2' }),
      (a) => {
        const binSize = positiveInt(a['bin-size'], '--bin-size');
        code = generateCommand({
          nodes: positiveInt(a.nodes, '--nodes')!,
          seed: seedArg(a.seed)!,
          ...(a.out !== undefined ? { out: a.out } : {}),
          ...(binSize !== undefined ? { binSize } : {}),
          neighbourhoodSize: positiveInt(a['neighbourhood-size'], '--neighbourhood-size')!,
        });
      },
    )
    .command(
      'topology <file>',
      'per-node depth, degree and peers per bin of a snapshot',
      (y) =>
        y
          .positional('file', { type: 'string', demandOption: true })
          .option('json', { type: 'boolean', default: false })
          .option('neighbourhood-size', { type: 'string', default: '2' }),
      (a) => {
        code = topologyCommand(a.file, a.json, positiveInt(a['neighbourhood-size'], '--neighbourhood-size')!);
      },
    )
    // report command (report/compare: see src/cli/report.ts)
    .command(
      'report <paths..>',
      'write index.html for run folders, result.json files or sweep summaries; print each page\'s path',
      (y) => y.positional('paths', { type: 'string', array: true, demandOption: true, describe: 'run folders, result.json or sweep summary files' }),
      async (a) => {
        const { reportCommand } = await import('./cli/report.js');
        code = await reportCommand(a.paths);
      },
    )
    .command(
      'compare <a> <b>',
      'two runs (or two sweeps) side by side: overlaid curves and a table of deltas',
      (y) =>
        y
          .positional('a', { type: 'string', demandOption: true, describe: 'run folder, result.json or sweep summary' })
          .positional('b', { type: 'string', demandOption: true, describe: 'the same kind as A' })
          .option('out', { type: 'string', describe: 'HTML file (default reports/compare-<A>-vs-<B>/index.html)' }),
      async (a) => {
        const { compareCommand } = await import('./cli/report.js');
        code = await compareCommand(a.a, a.b, a.out);
      },
    )
    // gate command (see src/cli/gate.ts)
    .command(
      'gate',
      'run the CI suite on its baseline seeds; exit 1 on a regression against the baseline',
      (y) =>
        y
          .option('suite', { type: 'string', default: 'scenarios/ci', describe: 'folder of scenario files and baseline.json' })
          .option('baseline', { type: 'string', describe: 'baseline file (default <suite>/baseline.json)' })
          .option('update', { type: 'boolean', default: false, describe: 'rewrite the baseline from these runs (exit 0)' })
          .option('seeds', { type: 'string', describe: 'with --update: seeds for scenarios new to the baseline, e.g. 1-3' })
          .option('allow-trajectory-change', { type: 'boolean', default: false, describe: 'a changed fingerprint alone does not fail' })
          .option('junit', { type: 'string', describe: 'also write JUnit XML to this file' })
          .option('json', { type: 'boolean', default: false, describe: 'print machine-readable results' }),
      async (a) => {
        const { gateCommand } = await import('./cli/gate.js');
        code = gateCommand({
          suite: a.suite,
          ...(a.baseline !== undefined ? { baseline: a.baseline } : {}),
          update: a.update,
          json: a.json,
          ...(a.junit !== undefined ? { junit: a.junit } : {}),
          allowTrajectoryChange: a['allow-trajectory-change'],
          ...(a.seeds !== undefined ? { seeds: a.seeds } : {}),
        });
      },
    )
    .command(
      'sweep-merge <files..>',
      'merge the summaries of sharded sweeps (one scenario, disjoint seeds) into one',
      (y) =>
        y
          .positional('files', { type: 'string', array: true, demandOption: true, describe: 'sweep summary JSON files' })
          .option('out', { type: 'string', describe: 'merged summary file (default reports/<name>/sweep-<seeds>.json)' }),
      async (a) => {
        const { sweepMergeCommand } = await import('./cli/sweep-merge.js');
        code = sweepMergeCommand({ files: a.files, ...(a.out !== undefined ? { out: a.out } : {}) });
      },
    )
    // mutants command (see src/cli/mutants.ts)
    .command(
      'mutants',
      'run every re-introduced bug on its scenario and seeds; report what the checker caught',
      (y) =>
        y
          .option('seeds', { type: 'string', default: '5', describe: 'seeds 1..N per mutant' })
          .option('only', { type: 'string', array: true, describe: 'only these mutants' })
          .option('json', { type: 'boolean', default: false }),
      async (a) => {
        const { mutantsCommand } = await import('./cli/mutants.js');
        code = mutantsCommand({ seeds: positiveInt(a.seeds, '--seeds')!, json: a.json, ...(a.only ? { only: a.only.map(String) } : {}) });
      },
    )
    .demandCommand(1, 'name a command: run, sweep, snapshot generate, topology')
    .strict()
    .fail((msg, err) => {
      if (err) throw err;
      throw new UsageError('command line', 'arguments', `valid pullsim arguments (see pullsim --help)`, msg);
    })
    .help()
    .version(false)
    .wrap(Math.min(110, process.stdout.columns || 110))
    .parseAsync();
  return code;
}

main(hideBin(process.argv)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    if (e instanceof UsageError) {
      console.error(`pullsim: ${e.message}`);
      process.exitCode = EXIT_USAGE;
    } else {
      console.error(e);
      process.exitCode = 3;
    }
  },
);
