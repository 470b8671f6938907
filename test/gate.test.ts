import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gateCommand, type GateArgs } from '../src/cli/gate.js';
import { sweepMergeCommand } from '../src/cli/sweep-merge.js';
import { redirectIo } from '../src/cli/io.js';
import { parseSeeds, shardSeeds } from '../src/cli/sweep.js';
import { summarize, type SeedSummary, type SweepJson } from '../src/report/sweep.js';
import { UsageError } from '../src/core/errors.js';
import { configHash } from '../src/report/result.js';
import { loadScenario } from '../src/scenario/loader.js';
import { runScenario } from '../src/scenario/runner.js';

function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return dir;
}
const ROOT = repoRoot();
/** The smallest scenario of the CI suite: 16 nodes, 400 chunks, about 0.1 s a seed. */
const SMALL = 'head-16.json';
const temps: string[] = [];
test.after(() => temps.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A suite folder in a temp dir holding copies of CI scenarios (snapshots beside it, as in the repository). */
function tempSuite(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'pullsim-gate-'));
  temps.push(root);
  mkdirSync(join(root, 'snapshots'));
  copyFileSync(join(ROOT, 'snapshots', 'generated-16.json'), join(root, 'snapshots', 'generated-16.json'));
  const suite = join(root, 'scenarios', 'ci');
  mkdirSync(suite, { recursive: true });
  for (const [name, from] of Object.entries(files)) copyFileSync(join(ROOT, 'scenarios', 'ci', from), join(suite, name));
  return suite;
}

/** Runs the gate with console output captured. */
function gate(suite: string, more: Partial<GateArgs> = {}): { code: number; out: string } {
  return quietly(() => gateCommand({ suite, update: false, json: false, allowTrajectoryChange: false, ...more }));
}

function quietly(f: () => number): { code: number; out: string } {
  const lines: string[] = [];
  const prev = redirectIo({ out: (t) => void lines.push(t), err: (t) => void lines.push(t) });
  try {
    return { code: f(), out: lines.join('\n') };
  } finally {
    redirectIo(prev);
  }
}

interface BaselineFile {
  scenarios: Record<string, { seeds: Record<string, { fingerprint: string; metrics: Record<string, number> }> }>;
}

function editJson<T>(file: string, edit: (json: T) => void): void {
  const json = JSON.parse(readFileSync(file, 'utf8')) as T;
  edit(json);
  writeFileSync(file, JSON.stringify(json, null, 2));
}

/** Every recorded seed of one scenario in a suite's baseline. */
const seedsOf = (b: BaselineFile, file = SMALL) => Object.values(b.scenarios[file]!.seeds);

test('a suite passes on the baseline it just recorded, and recording it again changes no byte', () => {
  const suite = tempSuite({ [SMALL]: SMALL });
  assert.is(gate(suite, { update: true, seeds: '1-2' }).code, 0);
  const recorded = readFileSync(join(suite, 'baseline.json'), 'utf8');
  assert.equal(Object.keys((JSON.parse(recorded) as BaselineFile).scenarios[SMALL]!.seeds), ['1', '2']);
  const { code, out } = gate(suite);
  assert.is(code, 0, out);
  assert.match(out, /gate passed/);
  assert.is(gate(suite, { update: true }).code, 0);
  assert.is(readFileSync(join(suite, 'baseline.json'), 'utf8'), recorded);
});

test('a baseline tightened by 20% on convergence time and messages fails and names both metrics', () => {
  const suite = tempSuite({ [SMALL]: SMALL });
  gate(suite, { update: true });
  editJson<BaselineFile>(join(suite, 'baseline.json'), (b) => {
    for (const s of seedsOf(b)) for (const m of ['convergenceMicros', 'messages']) s.metrics[m] = Math.round(s.metrics[m]! * 0.8);
  });
  const { code, out } = gate(suite);
  assert.is(code, 1, out);
  assert.match(out, /convergenceMicros regressed: .*\+25\.0%, tolerance 5%/);
  assert.match(out, /messages regressed: .*\+25\.0%, tolerance 2%/);
  assert.not.match(out, /trajectory changed/);
});

test('a baseline loosened by 20% on messages is reported as improved and does not fail', () => {
  const suite = tempSuite({ [SMALL]: SMALL });
  gate(suite, { update: true });
  editJson<BaselineFile>(join(suite, 'baseline.json'), (b) => {
    for (const s of seedsOf(b)) s.metrics.messages = Math.round(s.metrics.messages! * 1.2);
  });
  const { code, out } = gate(suite);
  assert.is(code, 0, out);
  assert.match(out, /messages improved: .*-16\.7%.* update the baseline/);
});

test('a worse protocol default (server batch timeout 4s, not 2s) fails on convergence time even with the trajectory change allowed', () => {
  const suite = tempSuite({ [SMALL]: SMALL });
  gate(suite, { update: true });
  editJson<{ protocol: Record<string, unknown> }>(join(suite, SMALL), (s) => {
    s.protocol.serverBatchTimeout = '4s';
  });
  const { code, out } = gate(suite, { allowTrajectoryChange: true, json: true });
  assert.is(code, 1, out);
  const rows = (JSON.parse(out) as { rows: { status: string; problems: string[] }[] }).rows;
  assert.equal(rows.map((r) => r.status), ['fail']);
  assert.equal(rows[0]!.problems.map((p) => p.split(':')[0]), ['convergenceMicros regressed']);
});

test('a changed fingerprint fails unless the trajectory change is allowed', () => {
  const suite = tempSuite({ [SMALL]: SMALL });
  gate(suite, { update: true });
  editJson<BaselineFile>(join(suite, 'baseline.json'), (b) => {
    seedsOf(b)[0]!.fingerprint = '0123456789abcdef';
  });
  const strict = gate(suite);
  assert.is(strict.code, 1, strict.out);
  assert.match(strict.out, /trajectory changed: fingerprint 0123456789abcdef -> [0-9a-f]{16}/);
  const allowed = gate(suite, { allowTrajectoryChange: true });
  assert.is(allowed.code, 0, allowed.out);
  assert.match(allowed.out, /\(allowed\)/);
});

test('--junit writes well-formed XML with one test case per scenario and seed', () => {
  const suite = tempSuite({ [SMALL]: SMALL, 'again-16.json': SMALL });
  gate(suite, { update: true, seeds: '1-2' });
  editJson<BaselineFile>(join(suite, 'baseline.json'), (b) => {
    seedsOf(b, 'again-16.json')[1]!.metrics.bytes = 1;
  });
  const junit = join(suite, '..', 'gate.xml');
  assert.is(gate(suite, { junit }).code, 1);
  const xml = readFileSync(junit, 'utf8');
  const elements = xmlElements(xml);
  assert.is(elements.filter((e) => e === 'testcase').length, 4);
  assert.is(elements.filter((e) => e === 'failure').length, 1);
  assert.match(xml, /<testcase classname="pullsim.gate.again-16" name="again-16 seed 2"[^>]*>\s*<failure type="regression" message="bytes regressed: 1 -&gt; /);
});

test('a scenario new to the suite fails until the baseline is updated, then gets the seeds --seeds names', () => {
  const suite = tempSuite({ [SMALL]: SMALL });
  gate(suite, { update: true });
  copyFileSync(join(suite, SMALL), join(suite, 'new-16.json'));
  const { code, out } = gate(suite);
  assert.is(code, 1, out);
  assert.match(out, /new-16\.json seed 1:\n {2}no baseline entry/);
  gate(suite, { update: true, seeds: '3,5' });
  const b = JSON.parse(readFileSync(join(suite, 'baseline.json'), 'utf8')) as BaselineFile;
  assert.equal(Object.keys(b.scenarios[SMALL]!.seeds), ['1'], 'an existing entry keeps its seeds');
  assert.equal(Object.keys(b.scenarios['new-16.json']!.seeds), ['3', '5']);
});

test('bad input is a UsageError: a missing suite, no baseline, a malformed baseline names its JSON path', () => {
  assert.throws(() => gate(join(tmpdir(), 'pullsim-no-such-suite')), (e: unknown) => e instanceof UsageError && /no such folder/.test(e.message));
  const suite = tempSuite({ [SMALL]: SMALL });
  assert.throws(() => gate(suite), (e: unknown) => e instanceof UsageError && /baseline\.json: \$: expected a gate baseline/.test(e.message));
  gate(suite, { update: true });
  editJson<BaselineFile>(join(suite, 'baseline.json'), (b) => {
    (seedsOf(b)[0]!.metrics as Record<string, unknown>).messages = 'many';
  });
  assert.throws(() => gate(suite), (e: unknown) => e instanceof UsageError && e.path === '$.scenarios["head-16.json"].seeds["1"].metrics.messages');
});

/** What a sweep worker reports for one seed, produced in-process. */
function sweepRuns(file: string, seeds: number[]): { name: string; hash: string; runs: SeedSummary[] } {
  const { scenario, topology } = loadScenario(file);
  const runs = seeds.map((seed): SeedSummary => {
    const o = runScenario(scenario, topology, { seed });
    const v = o.verdict;
    return {
      seed,
      verdict: v.pass ? 'pass' : 'fail',
      expectationMet: o.expectationMet,
      fingerprint: o.fingerprint,
      convergenceMicros: v.convergenceMicros,
      deliveries: o.checks.arrivals,
      endMicros: o.world.now,
      events: o.world.engine.processed,
      messages: Object.values(o.traffic.messages).reduce((a, b) => a + b, 0),
      bytes: o.traffic.bytes,
      duplicates: v.duplicates,
      missing: v.aorPairs - v.aorHeld,
      drops: Object.values(o.traffic.drops).reduce((a, b) => a + b, 0),
      violations: v.violations.length,
      wallMs: 0,
    };
  });
  return { name: scenario.name, hash: configHash(scenario, topology), runs };
}

test('sweep-merge turns two shards into the summary of the unsharded sweep', () => {
  const file = join(ROOT, 'scenarios', 'ci', SMALL);
  const { name, hash, runs } = sweepRuns(file, parseSeeds('1-4'));
  const whole = summarize(name, file, hash, '1-4', undefined, runs);
  const dir = mkdtempSync(join(tmpdir(), 'pullsim-merge-'));
  temps.push(dir);
  const shards = ['1/2', '2/2'].map((shard, i) => {
    const part = join(dir, `shard${i + 1}.json`);
    const mine = new Set(shardSeeds(parseSeeds('1-4'), shard));
    writeFileSync(part, JSON.stringify(summarize(name, file, hash, '1-4', shard, runs.filter((r) => mine.has(r.seed)))));
    return part;
  });
  const out = join(dir, 'merged.json');
  assert.is(quietly(() => sweepMergeCommand({ files: shards.reverse(), out })).code, 0);
  const merged = JSON.parse(readFileSync(out, 'utf8')) as SweepJson;
  assert.equal(merged, whole);
  assert.equal(merged.counts, { seeds: 4, pass: 4, fail: 0, expectationMet: 4 });
});

test('sweep-merge rejects overlapping seeds and summaries of another config', () => {
  const file = join(ROOT, 'scenarios', 'ci', SMALL);
  const { name, hash, runs } = sweepRuns(file, [1, 2]);
  const dir = mkdtempSync(join(tmpdir(), 'pullsim-merge-'));
  temps.push(dir);
  const write = (f: string, s: SweepJson) => (writeFileSync(join(dir, f), JSON.stringify(s)), join(dir, f));
  const both = write('both.json', summarize(name, file, hash, '1-2', undefined, runs));
  const two = write('two.json', summarize(name, file, hash, '2', undefined, runs.slice(1)));
  const other = write('other.json', summarize(name, file, 'ffffffffffffffff', '3', undefined, []));
  const merge = (files: string[]) => () => quietly(() => sweepMergeCommand({ files, out: join(dir, 'out.json') }));
  assert.throws(merge([both, two]), (e: unknown) => e instanceof UsageError && e.path === '$.runs[0].seed' && /seed 2 is also in .*both\.json/.test(e.message));
  assert.throws(merge([two, other]), (e: unknown) => e instanceof UsageError && e.path === '$.configHash');
  assert.not.ok(existsSync(join(dir, 'out.json')), 'nothing is written');
});

/** The element names of a well-formed XML document, in document order; throws where it is not well-formed. */
function xmlElements(text: string): string[] {
  const body = text.replace(/^<\?xml[^?]*\?>\s*/, '');
  const tag = /<(\/?)([A-Za-z][\w.-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/y;
  const names: string[] = [];
  const open: string[] = [];
  let i = 0;
  while (i < body.length) {
    const lt = body.indexOf('<', i);
    const textPart = body.slice(i, lt < 0 ? body.length : lt);
    if (/&(?!(amp|lt|gt|quot|apos);)/.test(textPart)) throw new Error(`a bare & near offset ${i}`);
    if (lt < 0) break;
    tag.lastIndex = lt;
    const m = tag.exec(body);
    if (!m) throw new Error(`a malformed tag at offset ${lt}: ${body.slice(lt, lt + 40)}`);
    if (m[1]) {
      if (open.pop() !== m[2]) throw new Error(`</${m[2]}> closes nothing open at offset ${lt}`);
    } else {
      names.push(m[2]!);
      if (!m[4]) open.push(m[2]!);
    }
    i = tag.lastIndex;
  }
  if (open.length > 0 || names.length === 0) throw new Error(`unclosed elements: ${open.join(', ')}`);
  return names;
}

test.run();
