import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { UsageError } from '../core/errors.js';
import { formatMicros, type Micros } from '../core/units.js';
import { configHash, reproduceLine } from '../report/result.js';
import { loadScenario } from '../scenario/loader.js';
import { withMutant } from '../scenario/mutants.js';
import type { FaultMix } from '../scenario/swarm.js';
import { bad, bold, fmtInt, ok, Progress, writeAtomic } from './output.js';

export interface SeedSummary {
  seed: number;
  verdict: 'pass' | 'fail';
  expectationMet: boolean;
  fingerprint: string;
  convergenceMicros: Micros;
  endMicros: Micros;
  events: number;
  messages: number;
  bytes: number;
  /** chunk deliveries (ChunkDelivery items) the transport dispatched */
  deliveries: number;
  duplicates: number;
  missing: number;
  drops: number;
  violations: number;
  firstViolation?: string;
  wallMs: number;
  /** the fault mix drawn for this seed (sweep --swarm) */
  faults?: FaultMix;
}

export interface SweepJson {
  pullsim: 1;
  kind: 'sweep';
  scenario: string;
  file: string;
  configHash: string;
  seeds: string;
  shard?: string;
  counts: { seeds: number; pass: number; fail: number; expectationMet: number };
  convergence: { p50: Micros; p90: Micros; p99: Micros; max: Micros };
  duplicates: { total: number; seedsWithDuplicates: number; max: number; shareOfDeliveries: number };
  failing: { seed: number; reason: string; reproduce: string }[];
  runs: SeedSummary[];
}

/** "1-500", "7", "1,4,9-12" -> sorted unique seeds. */
export function parseSeeds(text: string): number[] {
  const out = new Set<number>();
  for (const part of text.split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) throw new UsageError('command line', '--seeds', 'seeds such as "1-500" or "1,4,9-12"', JSON.stringify(text));
    const a = Number(m[1]);
    const b = m[2] === undefined ? a : Number(m[2]);
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
  return seeds.filter((_, k) => k % n === i - 1);
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
  const runs = await runPool(a.scenario, seeds, jobs, a.mutant, a.swarm ?? false);
  const summary = summarize(scenario.name, a.scenario, configHash(scenario, topology), a.seeds, a.shard, runs, a.mutant, a.swarm);
  const file = a.out ?? join('reports', scenario.name, `sweep-${a.seeds.replace(/[^0-9-]/g, '_')}${a.shard ? `-shard${a.shard.replace('/', 'of')}` : ''}.json`);
  writeAtomic(file, JSON.stringify(summary, null, 1) + '\n');
  if (a.json) console.log(JSON.stringify({ ...summary, runs: undefined, summary: file }, null, 2));
  else console.log(sweepText(summary, file).join('\n'));
  return { code: summary.counts.expectationMet === summary.counts.seeds ? 0 : 1, file, summary };
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

function pct(sorted: number[], p: number): number {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

export function summarize(name: string, file: string, hash: string, seedsText: string, shard: string | undefined, runs: SeedSummary[], mutant?: string, swarm?: boolean): SweepJson {
  const conv = runs.map((r) => r.convergenceMicros).sort((a, b) => a - b);
  return {
    pullsim: 1,
    kind: 'sweep',
    scenario: name,
    file,
    configHash: hash,
    seeds: seedsText,
    ...(shard ? { shard } : {}),
    counts: {
      seeds: runs.length,
      pass: runs.filter((r) => r.verdict === 'pass').length,
      fail: runs.filter((r) => r.verdict === 'fail').length,
      expectationMet: runs.filter((r) => r.expectationMet).length,
    },
    convergence: { p50: pct(conv, 0.5), p90: pct(conv, 0.9), p99: pct(conv, 0.99), max: conv[conv.length - 1] ?? 0 },
    duplicates: {
      total: runs.reduce((a, r) => a + r.duplicates, 0),
      seedsWithDuplicates: runs.filter((r) => r.duplicates > 0).length,
      max: runs.reduce((a, r) => Math.max(a, r.duplicates), 0),
      shareOfDeliveries: Math.round((10000 * runs.reduce((a, r) => a + r.duplicates, 0)) / Math.max(1, runs.reduce((a, r) => a + r.deliveries, 0))) / 10000,
    },
    failing: runs.filter((r) => !r.expectationMet).map((r) => ({ seed: r.seed, reason: r.firstViolation ?? `verdict ${r.verdict}`, reproduce: reproduceLine(file, r.seed, mutant, swarm) })),
    runs,
  };
}

export function sweepText(s: SweepJson, file: string): string[] {
  const c = s.counts;
  const lines = [
    `${bold('pullsim sweep')} ${s.scenario}  seeds ${s.seeds}${s.shard ? ` shard ${s.shard}` : ''}  config ${s.configHash}`,
    `  ${fmtInt(c.seeds)} seeds: ${ok(`${fmtInt(c.pass)} pass`)}, ${c.fail ? bad(`${fmtInt(c.fail)} fail`) : '0 fail'}; expectation met by ${fmtInt(c.expectationMet)}`,
    `  convergence p50 ${formatMicros(s.convergence.p50)}, p90 ${formatMicros(s.convergence.p90)}, p99 ${formatMicros(s.convergence.p99)}, max ${formatMicros(s.convergence.max)}`,
    `  duplicates: ${fmtInt(s.duplicates.total)} in ${fmtInt(s.duplicates.seedsWithDuplicates)} seeds (max ${fmtInt(s.duplicates.max)} in one run; ${(100 * s.duplicates.shareOfDeliveries).toFixed(1)}% of all chunk deliveries)`,
  ];
  if (s.failing.length > 0) {
    lines.push(`  ${bad('failing seeds')}:`);
    for (const f of s.failing.slice(0, 50)) lines.push(`    seed ${f.seed}: ${f.reason}\n      ${f.reproduce}`);
    if (s.failing.length > 50) lines.push(`    ... and ${s.failing.length - 50} more (see the summary JSON)`);
  }
  lines.push(`  summary ${file}`);
  return lines;
}
