import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { UsageError } from '../core/errors.js';
import { loadScenario } from '../scenario/loader.js';
import { MUTANT_CASES, unmutated, withMutant, type MutantCase } from '../scenario/mutants.js';
import { runScenario } from '../scenario/runner.js';
import { out as print } from './io.js';
import { bad, bold, dim, ok, Progress } from './output.js';
import { terminalLine } from './reproduce.js';

export interface MutantRow {
  name: string;
  what: string;
  scenario: string;
  seeds: number;
  caught: boolean;
  expectCaught: boolean;
  /** the checker properties (violation kinds) of the first failing seed */
  property: string | null;
  firstSeed: number | null;
  failingSeeds: number[];
  reproduce: string | null;
}

export interface MutantsJson {
  pullsim: 1;
  kind: 'mutants';
  seeds: number;
  mutants: MutantRow[];
  baselineClean: boolean;
  baseline: { scenario: string; seeds: number; passed: number; failing: number[] }[];
  score: { caught: number; expected: number };
  wallMs: number;
}

const SCENARIOS = fileURLToPath(new URL('../../../scenarios/', import.meta.url));

/** `pullsim mutants`: every mutant on its scenario and seeds, against the unmutated protocol on the same seeds. */
export function mutantsCommand(a: { seeds: number; json: boolean; only?: string[] }): number {
  const t0 = performance.now();
  if (!Number.isInteger(a.seeds) || a.seeds < 1 || a.seeds > 1000) throw new UsageError('command line', '--seeds', 'a number of seeds from 1 to 1000', String(a.seeds));
  const cases = a.only?.length ? MUTANT_CASES.filter((c) => a.only!.includes(c.name)) : MUTANT_CASES;
  if (a.only?.length && cases.length !== a.only.length) throw new UsageError('command line', '--only', `names from ${MUTANT_CASES.map((c) => c.name).join(', ')}`, a.only.join(','));
  const progress = new Progress();
  const baseline = new Map<string, { passed: number; failing: number[] }>();
  const rows: MutantRow[] = [];
  for (const c of cases) {
    const file = join(SCENARIOS, c.scenario);
    const { scenario, topology } = loadScenario(file);
    if (!baseline.has(c.scenario)) {
      const failing: number[] = [];
      for (let seed = 1; seed <= a.seeds; seed++) {
        progress.update(`mutants: unmutated ${c.scenario} seed ${seed}/${a.seeds}`);
        if (!runScenario(unmutated(scenario), topology, { seed }).expectationMet) failing.push(seed);
      }
      baseline.set(c.scenario, { passed: a.seeds - failing.length, failing });
    }
    rows.push(runCase(c, scenario, topology, a.seeds, progress));
  }
  progress.done();
  const base = [...baseline].map(([scenario, b]) => ({ scenario, seeds: a.seeds, ...b }));
  const out: MutantsJson = {
    pullsim: 1,
    kind: 'mutants',
    seeds: a.seeds,
    mutants: rows,
    baselineClean: base.every((b) => b.failing.length === 0),
    baseline: base,
    score: { caught: rows.filter((r) => r.caught).length, expected: rows.filter((r) => r.expectCaught).length },
    wallMs: Math.round(performance.now() - t0),
  };
  print(a.json ? JSON.stringify(out, null, 2) : mutantsText(out).join('\n'));
  const asExpected = rows.every((r) => r.caught === r.expectCaught);
  return asExpected && out.baselineClean ? 0 : 1;
}

function runCase(c: MutantCase, scenario: ReturnType<typeof loadScenario>['scenario'], topology: ReturnType<typeof loadScenario>['topology'], seeds: number, progress: Progress): MutantRow {
  const failingSeeds: number[] = [];
  let property: string | null = null;
  const mutated = withMutant(unmutated(scenario), c.name);
  for (let seed = 1; seed <= seeds; seed++) {
    progress.update(`mutants: ${c.name} on ${c.scenario} seed ${seed}/${seeds}`);
    const o = runScenario(mutated, topology, { seed });
    if (o.expectationMet) continue;
    failingSeeds.push(seed);
    if (property === null) {
      // duplicates are listed even within the scenario's bound; they count only beyond it
      const kinds: string[] = [...new Set(o.verdict.violations.map((v) => v.kind))].filter((k) => k !== 'duplicate');
      if (o.verdict.duplicates > (scenario.expect.maxDuplicates ?? Infinity)) kinds.push('duplicate');
      property = kinds.sort(byImportance).join('+') || 'verdict';
    }
  }
  const first = failingSeeds[0] ?? null;
  return {
    name: c.name,
    what: c.what,
    scenario: c.scenario,
    seeds,
    caught: first !== null,
    expectCaught: c.expectCaught,
    property,
    firstSeed: first,
    failingSeeds,
    reproduce: first === null ? null : terminalLine(join(SCENARIOS, c.scenario), { seed: first, mutant: c.name }),
  };
}

const ORDER = ['missing', 'liveness', 'exclusion', 'range', 'offer', 'radius', 'stored-twice', 'out-of-radius', 'drop', 'duplicate'];
function byImportance(a: string, b: string): number {
  return ORDER.indexOf(a) - ORDER.indexOf(b);
}

function mutantsText(m: MutantsJson): string[] {
  const lines = [`${bold('pullsim mutants')}  seeds 1-${m.seeds} per mutant, each against the unmutated protocol on the same seeds`];
  lines.push(`  ${'mutant'.padEnd(8)} ${'caught'.padEnd(7)} ${'property'.padEnd(22)} ${'first'.padEnd(6)} ${'seeds'.padEnd(6)} scenario`);
  for (const r of m.mutants) {
    const verdict = r.caught ? (r.expectCaught ? ok('yes') : bad('yes!')) : r.expectCaught ? bad('NO') : dim('no');
    const pad = (s: string, n: number) => s + ' '.repeat(Math.max(0, n - s.replace(/\x1b\[[0-9;]*m/g, '').length));
    lines.push(`  ${r.name.padEnd(8)} ${pad(verdict, 7)} ${(r.property ?? '-').padEnd(22)} ${String(r.firstSeed ?? '-').padEnd(6)} ${`${r.failingSeeds.length}/${r.seeds}`.padEnd(6)} ${r.scenario}  ${dim(r.what)}`);
  }
  for (const r of m.mutants) if (r.reproduce) lines.push(`  ${dim(`${r.name}:`)} ${r.reproduce}`);
  for (const r of m.mutants) if (!r.expectCaught && !r.caught) lines.push(`  ${r.name}: not caught, as expected (an equivalent mutant: see README)`);
  const clean = m.baselineClean ? ok('clean') : bad(`FAILING on ${m.baseline.filter((b) => b.failing.length).map((b) => `${b.scenario} seeds ${b.failing.join(',')}`).join('; ')}`);
  lines.push(`  unmutated protocol on the same seeds: ${clean}`);
  lines.push(`  mutation score: ${m.score.caught} caught of ${m.mutants.length} (${m.score.expected} expected), ${m.wallMs} ms`);
  return lines;
}
