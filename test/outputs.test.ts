import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFile } from '../src/cli/files.js';
import { UsageError } from '../src/core/errors.js';
import { runInProcess } from './helpers/in-process.js';
import { ROOT } from './helpers/process.js';

// What pullsim leaves in its output folders: its own files only, never a stale page beside a new result, no
// temporary files of killed runs, separate folders for mutant and swarm runs, a rescue when a write fails late; and
// what it says about runs whose verdict checks nothing.

const WORK = mkdtempSync(join(tmpdir(), 'pullsim-outputs-'));
const SNAPSHOT_16 = join(ROOT, 'snapshots/generated-16.json');
const scenario = (name: string, more: Record<string, unknown> = {}): string => {
  const file = join(WORK, `${name}.json`);
  writeFileSync(file, JSON.stringify({ pullsim: 1, name, topology: { snapshot: SNAPSHOT_16 }, events: [{ at: '0s', upload: { node: 'random', chunks: 20 } }], expect: { maxDuplicates: 1000 }, ...more }));
  return file;
};
const result = (dir: string) => JSON.parse(readFileSync(join(WORK, dir, 'result.json'), 'utf8')) as { verdict: string; warnings: string[]; violations: { kind: string; detail: string }[] };

test('a run without --report removes the page an earlier run left in its folder, and says so', async () => {
  const file = scenario('stale');
  assert.is((await runInProcess(['run', file, '--out', 'stale', '--report'], WORK)).code, 0);
  assert.ok(existsSync(join(WORK, 'stale/index.html')));
  const again = await runInProcess(['run', file, '--out', 'stale', '--seed', '2'], WORK);
  assert.is(again.code, 0);
  assert.not.ok(existsSync(join(WORK, 'stale/index.html')), 'the page described seed 1, result.json now seed 2');
  assert.match(again.stdout.join('\n'), /removed .*index\.html \(an earlier run's, now stale\)/);
});

test('mutant and swarm runs write into folders of their own, never over a plain run', async () => {
  const file = scenario('variants');
  assert.is((await runInProcess(['run', file], WORK)).code, 0);
  await runInProcess(['run', file, '--mutant', '1952'], WORK);
  await runInProcess(['run', file, '--swarm'], WORK);
  for (const dir of ['reports/variants/1', 'reports/variants/mutant-1952/1', 'reports/variants/swarm/1']) assert.ok(existsSync(join(WORK, dir, 'result.json')), dir);
  assert.match(readFileSync(join(WORK, 'reports/variants/mutant-1952/1/result.json'), 'utf8'), /"reproduce":"pullsim run variants\.json --seed 1 --mutant 1952"/);
});

test('temporary files of killed runs are removed by the next write into their folder; a live process\'s are kept', async () => {
  const file = scenario('temps');
  mkdirSync(join(WORK, 'temps'));
  const dead = 2 ** 22 + 12345; // above the kernel's pid limit: no such process
  const old = join(WORK, 'temps', `result.json.tmp-${dead}`);
  const current = join(WORK, 'temps', `.result.json.pullsim-${dead}.tmp`);
  const live = join(WORK, 'temps', `.index.html.pullsim-${process.ppid}.tmp`);
  for (const f of [old, current, live]) writeFileSync(f, 'half-written');
  assert.is((await runInProcess(['run', file, '--out', 'temps'], WORK)).code, 0);
  assert.not.ok(existsSync(old), 'an earlier version\'s temp file of a dead process');
  assert.not.ok(existsSync(current), 'a temp file of a dead process');
  assert.ok(existsSync(live), 'the temp file of a process still running');
});

test('a write that fails after the work is done saves the output elsewhere and names it in one line', () => {
  writeFileSync(join(WORK, 'a-file'), 'x');
  let e: unknown;
  try {
    writeFile(join(WORK, 'a-file', 'sub', 'result.json'), '{"pullsim":1}');
  } catch (x) {
    e = x;
  }
  assert.instance(e, UsageError);
  const saved = /saved as (\S+)$/.exec((e as Error).message)?.[1];
  assert.ok(saved, (e as Error).message);
  assert.is(readFileSync(saved!, 'utf8'), '{"pullsim":1}');
  assert.not.match((e as Error).message, /\n/);
  rmSync(join(saved!, '..'), { recursive: true });
});

test('a run on a topology without nodes warns that nothing was uploaded and nothing checked; minAorPairs fails it', async () => {
  const empty = join(WORK, 'empty-snapshot.json');
  writeFileSync(empty, JSON.stringify({ nodes: [], conns: [] }));
  const file = scenario('empty', { topology: { snapshot: empty } });
  const r = await runInProcess(['run', file, '--out', 'empty'], WORK);
  assert.is(r.code, 0, 'a warning, not a failure, by default');
  const text = r.stdout.join('\n');
  assert.match(text, /warning: 20 of the 20 chunks of events\[0\] \(at 0us\) were not uploaded: no node was up/);
  assert.match(text, /warning: no \(chunk, AoR node\) pair to check \(no chunk reached any node\)/);
  assert.match(text, /warning: the topology has no nodes/);
  assert.equal(result('empty').warnings.length, 3);
  const strict = scenario('empty-strict', { topology: { snapshot: empty }, expect: { minAorPairs: 1 } });
  const s = await runInProcess(['run', strict, '--out', 'empty-strict'], WORK);
  assert.is(s.code, 1);
  assert.is(result('empty-strict').verdict, 'fail');
  assert.match(result('empty-strict').violations[0]!.detail, /only 0 \(chunk, AoR node\) pairs to check, fewer than expect\.minAorPairs \(1\)/);
});

test('uploads to a node that is down are not made, and the run says how many', async () => {
  const file = scenario('down', { events: [{ at: '1s', stop: { node: 3 } }, { at: '2s', upload: { node: 3, chunks: 5 } }, { at: '2s', upload: { node: 4, chunks: 5 } }] });
  const r = await runInProcess(['run', file, '--out', 'down'], WORK);
  assert.is(r.code, 0, r.stderr.join('\n'));
  assert.equal(result('down').warnings, ['5 of the 5 chunks of events[1] (at 2s) were not uploaded: node 3 was down']);
});

test.after(() => rmSync(WORK, { recursive: true, force: true }));

test.run();
