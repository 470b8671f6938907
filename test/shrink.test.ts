/**
 * `pullsim shrink` end to end, on a mutant that shrinks in seconds: latent defect L6 on restore-after-removal.json
 * (6 nodes, 60 chunks, 6 events). The result is small, `pullsim run` reproduces it, and one worker or two give the
 * same file byte for byte.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkFile } from '../src/cli/files.js';
import { summaryLine } from '../src/cli/shrink.js';
import { ROOT, runCli, usageError } from './helpers/process.js';

const TMP = mkdtempSync(join(tmpdir(), 'pullsim-shrink-'));
const SCENARIO = join(ROOT, 'scenarios/mutants/restore-after-removal.json');
const shrink = (out: string, ...flags: string[]) => runCli(['shrink', SCENARIO, '--mutant', 'L6', '--seed', '1', '--out', out, ...flags], TMP);
const SUMMARY = /^shrunk: \d+ nodes\/\d+ chunks\/\d+ events -> \d+\/\d+\/\d+ in \d+ runs, \d+(\.\d)? s$/;

let one: Awaited<ReturnType<typeof shrink>>;
let two: Awaited<ReturnType<typeof shrink>>;
test.before(async () => {
  [one, two] = [await shrink('one', '--jobs', '1'), await shrink('two', '--jobs', '2', '--json')];
});

test('a shrink of L6 ends with the one-line summary and names the property and the files', () => {
  assert.is(one.code, 0, one.stderr);
  const lines = one.stdout.trimEnd().split('\n');
  assert.match(lines.at(-1)!, SUMMARY);
  assert.match(lines.at(-1)!, /^shrunk: 6 nodes\/60 chunks\/6 events -> /);
  assert.match(one.stdout, /property missing \(the first of missing, liveness, /);
  assert.match(one.stdout, /run without mutant L6, it does not show missing/);
  for (const f of ['scenario.json', 'snapshot.json', 'result.json', 'index.html']) assert.ok(existsSync(join(TMP, 'one', f)), f);
});

test('--json prints exactly the contract keys, with sizes before and after', () => {
  assert.is(two.code, 0, two.stderr);
  const j = JSON.parse(two.stdout) as Record<string, unknown>;
  assert.equal(Object.keys(j), ['property', 'mutant', 'seed', 'before', 'after', 'runs', 'scenario']);
  assert.equal([j.property, j.mutant, j.seed], ['missing', 'L6', 1]);
  assert.equal(j.before, { nodes: 6, chunks: 60, events: 6 });
  const after = j.after as { nodes: number; chunks: number; events: number };
  assert.equal(Object.keys(after), ['nodes', 'chunks', 'events']);
  assert.ok(after.nodes <= 4 && after.chunks <= 2 && after.events <= 3, JSON.stringify(after));
  assert.ok(typeof j.runs === 'number' && j.runs > 5 && j.runs < 200, String(j.runs));
  assert.is(j.scenario, join('two', 'scenario.json'));
});

test('one worker or two: the same scenario and snapshot, byte for byte, and the same count of runs', () => {
  for (const f of ['scenario.json', 'snapshot.json']) assert.ok(readFileSync(join(TMP, 'one', f)).equals(readFileSync(join(TMP, 'two', f))), f);
  assert.match(one.stdout, new RegExp(` in ${(JSON.parse(two.stdout) as { runs: number }).runs} runs, `));
});

test('the shrunk file is a plain scenario: explicit chunk addresses, its own snapshot, the mutant written in', () => {
  const s = JSON.parse(readFileSync(join(TMP, 'one', 'scenario.json'), 'utf8')) as Record<string, unknown> & { events: Record<string, unknown>[] };
  assert.equal(Object.keys(s).slice(0, 6), ['pullsim', 'shrunk', 'name', 'description', 'seed', 'topology']);
  assert.equal(s.topology, { snapshot: 'snapshot.json' });
  assert.equal((s.protocol as { latentDefects: string[] }).latentDefects, ['L6']);
  const uploads = s.events.filter((e) => 'upload' in e).map((e) => e.upload as { addresses?: string[] });
  assert.ok(uploads.length > 0 && uploads.every((u) => u.addresses?.every((a) => /^[0-9a-f]{64}$/.test(a))));
  assert.ok(s.events.some((e) => 'remove' in e), 'the removal is what L6 needs: it stays');
});

test('pullsim run reproduces it: the verdict fails as the file expects, on the same property', async () => {
  const r = await runCli(['run', join('one', 'scenario.json'), '--out', 'rerun'], TMP);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /verdict FAIL \(as expected\)/);
  assert.match(r.stdout, /\n {2}missing: \d+/);
});

test('a later shrink may replace a shrunk scenario, never a scenario of the user', () => {
  const t = { flag: '--out' };
  assert.is(checkFile(join(TMP, 'one', 'scenario.json'), 'scenario', t), join(TMP, 'one', 'scenario.json'));
  const mine = join(TMP, 'mine.json');
  writeFileSync(mine, readFileSync(SCENARIO));
  assert.match(usageError(() => checkFile(mine, 'scenario', t)).message, /a scenario pullsim shrink wrote to replace/);
});

test('the summary line says sizes, runs and seconds', () => {
  const j = { before: { nodes: 256, chunks: 2500, events: 14 }, after: { nodes: 4, chunks: 1, events: 1 }, runs: 312 };
  assert.is(summaryLine(j, 41.3), 'shrunk: 256 nodes/2500 chunks/14 events -> 4/1/1 in 312 runs, 41 s');
  assert.is(summaryLine(j, 3.14), 'shrunk: 256 nodes/2500 chunks/14 events -> 4/1/1 in 312 runs, 3.1 s');
});

test.after(() => rmSync(TMP, { recursive: true, force: true }));

test.run();
