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
  if (typeof v === 'boolean' || !Number.isSafeInteger(n) || n < 0 || String(v).trim() === '') {
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
          .option('check-determinism', { type: 'boolean', default: false, describe: 'run twice and compare fingerprints' }),
      (a) => {
        code = runCommand({
          scenario: a.scenario,
          seed: seedArg(a.seed),
          ...(a.out !== undefined ? { out: a.out } : {}),
          json: a.json,
          trace: a.trace,
          checkDeterminism: a['check-determinism'],
        }).code;
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
          .option('out', { type: 'string', describe: 'summary JSON file' })
          .option('json', { type: 'boolean', default: false }),
      async (a) => {
        code = await sweepCommand({
          scenario: a.scenario,
          seeds: a.seeds,
          ...(a.jobs !== undefined ? { jobs: positiveInt(a.jobs, '--jobs')! } : {}),
          ...(a.shard !== undefined ? { shard: a.shard } : {}),
          ...(a.out !== undefined ? { out: a.out } : {}),
          json: a.json,
        });
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
    // gate command (see src/cli/gate.ts)
    // mutants command (see src/cli/mutants.ts)
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
