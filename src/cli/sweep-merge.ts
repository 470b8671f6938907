import { readJsonFile } from '../topology/read-json.js';
import { join, resolve } from 'node:path';
import chalk from 'chalk';
import { UsageError, show } from '../core/errors.js';
import { checkFile, writeFile } from './files.js';
import { out } from './io.js';
import { summarize, type SeedSummary, type SweepJson } from '../report/sweep.js';
import { parseSeeds, sweepText } from './sweep.js';

export interface SweepMergeArgs {
  files: string[];
  out?: string;
  force?: boolean;
}

/** The parts of a sweep summary a merge needs; everything else is recomputed from the runs. */
interface Part {
  file: string;
  scenario: string;
  scenarioFile: string;
  configHash: string;
  seeds: string;
  shard?: string;
  runs: SeedSummary[];
}

/**
 * `pullsim sweep-merge`: the summaries of `sweep --shard i/n` runs (one scenario, one config, disjoint seeds)
 * merged into one summary of the same shape as an unsharded sweep's.
 */
export function sweepMergeCommand(a: SweepMergeArgs): number {
  if (a.files.length === 0) throw new UsageError('command line', 'files', 'one or more sweep summary files');
  const parts = a.files.map(readPart);
  const first = parts[0]!;
  const owner = new Map<number, string>();
  for (const p of parts) {
    if (p.scenario !== first.scenario) throw new UsageError(p.file, '$.scenario', `the scenario of ${first.file} (${show(first.scenario)})`, show(p.scenario));
    if (p.configHash !== first.configHash) throw new UsageError(p.file, '$.configHash', `the config of ${first.file} (${first.configHash}): shards of one scenario file at one version`, show(p.configHash));
    p.runs.forEach((r, i) => {
      const other = owner.get(r.seed);
      if (other !== undefined) throw new UsageError(p.file, `$.runs[${i}].seed`, `seeds disjoint from the other summaries (seed ${r.seed} is also in ${other})`, String(r.seed));
      owner.set(r.seed, p.file);
    });
  }
  const runs = parts.flatMap((p) => p.runs).sort((x, y) => x.seed - y.seed);
  const { seeds, missing } = coverage(parts, runs);
  const summary: SweepJson = summarize(first.scenario, first.scenarioFile, first.configHash, seeds, undefined, runs);
  const file = a.out ?? join('reports', first.scenario, `sweep-${seeds.replace(/[^0-9-]/g, '_')}.json`);
  if (a.files.some((f) => resolve(f) === resolve(file))) throw new UsageError('command line', a.out === undefined ? 'the default summary file' : '--out', 'a file other than the summaries being merged', JSON.stringify(file));
  checkFile(file, 'sweep', { flag: a.out === undefined ? 'the default summary file' : '--out', force: a.force ?? false });
  writeFile(file, JSON.stringify(summary, null, 1) + '\n');
  const lines = [`merged ${parts.length} sweep summaries (${runs.length} seeds)`];
  if (missing) lines.push(chalk.yellow(`warning: ${missing}`));
  out([...lines, ...sweepText(summary, file)].join('\n'));
  return summary.counts.expectationMet === summary.counts.seeds ? 0 : 1;
}

/**
 * The merged seed list: the shards' own `seeds` text when they share it and together cover it, else the seeds
 * actually run, as ranges; and a note on what is missing when the shards do not cover their seed list.
 */
function coverage(parts: Part[], runs: SeedSummary[]): { seeds: string; missing?: string } {
  const texts = [...new Set(parts.map((p) => p.seeds))];
  const ran = runs.map((r) => r.seed);
  if (texts.length !== 1) return { seeds: ranges(ran) };
  const wanted = parseSeeds(texts[0]!);
  const have = new Set(ran);
  const absent = wanted.filter((s) => !have.has(s)).length;
  if (absent === 0 && wanted.length === ran.length) return { seeds: texts[0]! };
  const n = parts[0]!.shard?.split('/')[1];
  const shards = n !== undefined && parts.every((p) => p.shard?.endsWith(`/${n}`)) ? Array.from({ length: Number(n) }, (_, i) => `${i + 1}/${n}`).filter((s) => !parts.some((p) => p.shard === s)) : [];
  return { seeds: ranges(ran), missing: `${absent} of the ${wanted.length} seeds ${texts[0]} are in no summary${shards.length ? ` (missing shards ${shards.join(', ')})` : ''}` };
}

/** Sorted seeds as "1-5,9,12-13". */
function ranges(seeds: number[]): string {
  const out: string[] = [];
  for (let i = 0; i < seeds.length; ) {
    let j = i;
    while (j + 1 < seeds.length && seeds[j + 1] === seeds[j]! + 1) j++;
    out.push(j === i ? String(seeds[i]) : `${seeds[i]}-${seeds[j]}`);
    i = j + 1;
  }
  return out.join(',');
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const NUMBERS = ['convergenceMicros', 'endMicros', 'events', 'messages', 'bytes', 'duplicates', 'missing', 'drops', 'violations', 'wallMs'] as const;

/** Reads and checks one sweep summary; a problem is a UsageError naming the JSON path. */
function readPart(file: string): Part {
  const fail = (path: string, expected: string, got: unknown): never => {
    throw new UsageError(file, path, expected, show(got));
  };
  const json = readJsonFile(file, 'a sweep summary file');
  const root = isObj(json) ? json : fail('$', 'a sweep summary object', json);
  if (root.pullsim !== 1) fail('$.pullsim', 'the format version 1', root.pullsim);
  if (root.kind !== 'sweep') fail('$.kind', '"sweep" (a summary written by pullsim sweep)', root.kind);
  const str = (k: string): string => (typeof root[k] === 'string' ? (root[k] as string) : fail(`$.${k}`, 'a string', root[k]));
  const seeds = str('seeds');
  try {
    parseSeeds(seeds);
  } catch {
    fail('$.seeds', 'seeds such as "1-500" or "1,4,9-12"', seeds);
  }
  if (!Array.isArray(root.runs)) fail('$.runs', 'an array of per-seed results', root.runs);
  const runs = (root.runs as unknown[]).map((v, i): SeedSummary => {
    const p = `$.runs[${i}]`;
    const r = isObj(v) ? v : fail(p, 'an object', v);
    const num = (k: string): number => (typeof r[k] === 'number' && Number.isFinite(r[k]) && (r[k] as number) >= 0 ? (r[k] as number) : fail(`${p}.${k}`, 'a non-negative number', r[k]));
    const [convergenceMicros, endMicros, events, messages, bytes, duplicates, missing, drops, violations, wallMs] = NUMBERS.map(num) as [number, number, number, number, number, number, number, number, number, number];
    if (r.firstViolation !== undefined && typeof r.firstViolation !== 'string') fail(`${p}.firstViolation`, 'a string', r.firstViolation);
    return {
      seed: Number.isSafeInteger(r.seed) && (r.seed as number) >= 0 ? (r.seed as number) : fail(`${p}.seed`, 'a non-negative integer', r.seed),
      verdict: r.verdict === 'pass' || r.verdict === 'fail' ? r.verdict : fail(`${p}.verdict`, '"pass" or "fail"', r.verdict),
      expectationMet: typeof r.expectationMet === 'boolean' ? r.expectationMet : fail(`${p}.expectationMet`, 'true or false', r.expectationMet),
      fingerprint: typeof r.fingerprint === 'string' ? r.fingerprint : fail(`${p}.fingerprint`, 'a string', r.fingerprint),
      ...{ convergenceMicros, endMicros, events, messages, bytes, duplicates, missing, drops, violations },
      deliveries: r.deliveries === undefined ? 0 : num('deliveries'),
      ...(r.firstViolation !== undefined ? { firstViolation: r.firstViolation as string } : {}),
      wallMs,
    };
  });
  const shard = root.shard === undefined ? undefined : str('shard');
  return { file, scenario: str('scenario'), scenarioFile: str('file'), configHash: str('configHash'), seeds, ...(shard !== undefined ? { shard } : {}), runs };
}
