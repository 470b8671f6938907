import { availableParallelism } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { UsageError } from '../core/errors.js';
import { formatMicros } from '../core/units.js';
import { configHash } from '../report/result.js';
import { summarize, type SeedSummary, type SweepJson } from '../report/sweep.js';
import { loadScenario } from '../scenario/loader.js';
import { withMutant } from '../scenario/mutants.js';
import { checkFile, writeFile } from './files.js';
import { err, out } from './io.js';
import { bad, bold, fmtInt, ok, Progress } from './output.js';
import { portablePath, terminalLine } from './reproduce.js';

/** "1-500", "7", "1,4,9-12" -> sorted unique seeds. */
export function parseSeeds(text: string): number[] {
  const out = new Set<number>();
  for (const part of text.split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) throw new UsageError('command line', '--seeds', 'seeds such as "1-500" or "1,4,9-12"', JSON.stringify(text));
    const a = Number(m[1]);
    const b = m[2] === undefined ? a : Number(m[2]);
    if (!Number.isSafeInteger(b)) throw new UsageError('command line', '--seeds', `seeds from 0 to ${Number.MAX_SAFE_INTEGER}`, JSON.stringify(part));
    if (b < a || b - a > 1_000_000) throw new UsageError('command line', '--seeds', 'a range from low to high (at most 1,000,000 seeds)', JSON.stringify(part));
    for (let s = a; s <= b; s++) out.add(s);
  }
  return [...out].sort((x, y) => x - y);
}

/** `--shard i/n`: the i-th of n interleaved parts of the seed list (1-based). */
export function shardSeeds(seeds: number[], shard: string | undefined): number[] {
  if (shard === undefined) return seeds;
  const m = /^(\d+)\/(\d+)$/.exec(shard);
  const i = m ? Number(m[1]) : 0;
  const n = m ? Number(m[2]) : 0;
  if (!m || n < 1 || i < 1 || i > n) throw new UsageError('command line', '--shard', 'i/n with 1 <= i <= n, e.g. 2/4', JSON.stringify(shard));
  const mine = seeds.filter((_, k) => k % n === i - 1);
  if (mine.length === 0) throw new UsageError('command line', '--shard', `a shard that holds a seed (${seeds.length} seed${seeds.length === 1 ? '' : 's'} in ${n} shards leave shard ${i} empty)`, JSON.stringify(shard));
  return mine;
}

export interface SweepArgs {
  scenario: string;
  seeds: string;
  jobs?: number;
  shard?: string;
  out?: string;
  json: boolean;
  mutant?: string;
  swarm?: boolean;
  force?: boolean;
  /** also write the HTML page next to the summary */
  report?: boolean;
}

export interface SweepDone {
  code: number;
  /** the summary JSON written */
  file: string;
  summary: SweepJson;
}

/** `pullsim sweep`: many seeds over worker threads; a summary and every failing seed's reproduce line. */
export async function sweepCommand(a: SweepArgs): Promise<SweepDone> {
  const loaded = loadScenario(a.scenario);
  const topology = loaded.topology;
  const scenario = a.mutant === undefined ? loaded.scenario : withMutant(loaded.scenario, a.mutant);
  const seeds = shardSeeds(parseSeeds(a.seeds), a.shard);
  const jobs = Math.max(1, Math.min(a.jobs ?? availableParallelism(), seeds.length));
  const file = a.out ?? join(variantFolder(scenario.name, a.mutant, a.swarm), `sweep-${a.seeds.replace(/[^0-9-]/g, '_')}${a.shard ? `-shard${a.shard.replace('/', 'of')}` : ''}.json`);
  const target = { flag: a.out === undefined ? 'the default summary file' : '--out', force: a.force ?? false };
  checkFile(file, 'sweep', target);
  if (a.report) checkFile(sweepPagePath(file), 'page', target);
  const runs = await runPool(a.scenario, seeds, jobs, a.mutant, a.swarm ?? false);
  const summary = summarize(scenario.name, portablePath(a.scenario), configHash(scenario, topology), a.seeds, a.shard, runs, a.mutant, a.swarm);
  writeFile(file, JSON.stringify(summary, null, 1) + '\n');
  const terminal = (seed: number) => terminalLine(a.scenario, { seed, mutant: a.mutant, swarm: a.swarm });
  if (a.json) out(JSON.stringify({ ...summary, runs: undefined, summary: file }, null, 2));
  else out(sweepText(summary, file, terminal).join('\n'));
  if (a.report) {
    const { writeSweepReport } = await import('./report.js');
    (a.json ? err : out)(`report ${await writeSweepReport(file, summary)}`);
  }
  return { code: summary.counts.expectationMet === summary.counts.seeds ? 0 : 1, file, summary };
}

/** reports/<name>, or reports/<name>/<variant> for mutant and swarm runs (they never share a plain run's files). */
export function variantFolder(name: string, mutant: string | undefined, swarm: boolean | undefined): string {
  const v = [mutant !== undefined ? `mutant-${mutant}` : '', swarm ? 'swarm' : ''].filter(Boolean).join('-');
  return v ? join('reports', name, v) : join('reports', name);
}

/** A sweep's page lies next to its summary, named after it (sweep-1-500.json -> sweep-1-500.html). */
export function sweepPagePath(summaryFile: string): string {
  return join(dirname(summaryFile), `${basename(summaryFile).replace(/\.json$/, '')}.html`);
}

function runPool(file: string, seeds: number[], jobs: number, mutant: string | undefined, swarm: boolean): Promise<SeedSummary[]> {
  return new Promise((resolve, reject) => {
    const results: SeedSummary[] = [];
    const progress = new Progress();
    let next = 0;
    let failed = 0;
    const workers: Worker[] = [];
    const feed = (w: Worker) => {
      if (next < seeds.length) w.postMessage(seeds[next++]);
      else void w.terminate();
    };
    for (let i = 0; i < jobs; i++) {
      const w = new Worker(new URL('./sweep-worker.js', import.meta.url), { workerData: { file, mutant, swarm } });
      workers.push(w);
      w.on('message', (s: SeedSummary) => {
        results.push(s);
        if (!s.expectationMet) failed++;
        progress.update(`sweep ${results.length}/${seeds.length} seeds, ${failed} failing`);
        if (results.length === seeds.length) {
          progress.done();
          resolve(results.sort((x, y) => x.seed - y.seed));
        }
        feed(w);
      });
      w.on('error', (e) => {
        for (const x of workers) void x.terminate();
        reject(e);
      });
      feed(w);
    }
  });
}

/** The summary as text; `terminal` gives a failing seed's reproduce line for this machine (else the file's). */
export function sweepText(s: SweepJson, file: string, terminal?: (seed: number) => string): string[] {
  const c = s.counts;
  const lines = [
    `${bold('pullsim sweep')} ${s.scenario}  seeds ${s.seeds}${s.shard ? ` shard ${s.shard}` : ''}  config ${s.configHash}`,
    `  ${fmtInt(c.seeds)} seeds: ${ok(`${fmtInt(c.pass)} pass`)}, ${c.fail ? bad(`${fmtInt(c.fail)} fail`) : '0 fail'}; expectation met by ${fmtInt(c.expectationMet)}`,
    `  convergence p50 ${formatMicros(s.convergence.p50)}, p90 ${formatMicros(s.convergence.p90)}, p99 ${formatMicros(s.convergence.p99)}, max ${formatMicros(s.convergence.max)}`,
    `  duplicates: ${fmtInt(s.duplicates.total)} in ${fmtInt(s.duplicates.seedsWithDuplicates)} seeds (max ${fmtInt(s.duplicates.max)} in one run; ${(100 * s.duplicates.shareOfDeliveries).toFixed(1)}% of all chunk deliveries)`,
  ];
  if (s.failing.length > 0) {
    lines.push(`  ${bad('failing seeds')}:`);
    for (const f of s.failing.slice(0, 50)) lines.push(`    seed ${f.seed}: ${f.reason}\n      ${terminal ? terminal(f.seed) : f.reproduce}`);
    if (s.failing.length > 50) lines.push(`    ... and ${s.failing.length - 50} more (see the summary JSON)`);
  }
  lines.push(`  summary ${file}`);
  return lines;
}
