import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadScenario } from '../src/scenario/loader.js';
import { runCli as cli, usageError, type Exit } from './helpers/process.js';
import { AMBIGUOUS_PREFIX, SNAPSHOT_16, UNKNOWN_PREFIX, validScenario, type Json } from './helpers/scenarios.js';

/** Each case breaks one thing of a valid scenario. */
const valid = validScenario;

interface Case {
  /** a sentence: what is wrong with the file */
  what: string;
  /** the file's text (a JSON value is stringified) */
  content: Json | string;
  path: string;
  expected: RegExp;
  /** name the file itself (default: a fresh file in the temp dir) */
  file?: string;
  /** also run through the CLI (one case of each kind: a process costs ~0.2 s) */
  cli?: true;
}

const withEvent = (event: Json): Json => ({ ...valid(), events: [event] });

const CASES: Case[] = [
  { what: 'an unknown top-level key', content: { ...valid(), colour: 'blue' }, path: '$.colour', expected: /known keys/, cli: true },
  { what: 'an unknown protocol key (a misspelt batchSize)', content: { ...valid(), protocol: { batchsize: 8 } }, path: '$.protocol.batchsize', expected: /known keys.*batchSize/ },
  { what: 'an unknown links key', content: { ...valid(), links: { latencyy: '1ms' } }, path: '$.links.latencyy', expected: /known keys.*latency/ },
  { what: 'an unknown event verb', content: withEvent({ at: '0s', uplaod: { node: 0, chunks: 1 } }), path: '$.events[0].uplaod', expected: /one of at, upload/, cli: true },
  { what: 'an unknown key in an event body', content: withEvent({ at: '0s', upload: { node: 0, chunks: 1, size: 4096 } }), path: '$.events[0].upload.size', expected: /known keys \(node, chunks, addresses, batch\)/ },
  { what: 'a seed given as a string', content: { ...valid(), seed: '7' }, path: '$.seed', expected: /integer/, cli: true },
  { what: 'a boolean option given as a string', content: { ...valid(), protocol: { roundtrip: 'yes' } }, path: '$.protocol.roundtrip', expected: /true or false/ },
  { what: 'a fractional batch size', content: { ...valid(), protocol: { batchSize: 1.5 } }, path: '$.protocol.batchSize', expected: /integer from 1/ },
  { what: 'events given as an object', content: { ...valid(), events: {} }, path: '$.events', expected: /array of events/ },
  { what: 'a chunk count given as a string', content: withEvent({ at: '0s', upload: { node: 0, chunks: '4' } }), path: '$.events[0].upload.chunks', expected: /integer/ },
  { what: 'a duration without a unit ("5")', content: { ...valid(), protocol: { serverBatchTimeout: '5' } }, path: '$.protocol.serverBatchTimeout', expected: /duration/ },
  { what: 'a negative duration ("-1s")', content: { ...valid(), links: { processing: '-1s' } }, path: '$.links.processing', expected: /duration.*not negative/, cli: true },
  { what: 'a duration in words ("1 sec")', content: { ...valid(), run: { maxTime: '1 sec' } }, path: '$.run.maxTime', expected: /duration/ },
  { what: 'a duration given as a number', content: { ...valid(), protocol: { clientBatchTimeout: 10 } }, path: '$.protocol.clientBatchTimeout', expected: /duration/ },
  { what: 'a bandwidth in bits ("10 mbps")', content: { ...valid(), links: { bandwidth: '10 mbps' } }, path: '$.links.bandwidth', expected: /bandwidth such as/, cli: true },
  { what: 'a bandwidth of zero', content: { ...valid(), links: { bandwidth: '0MB/s' } }, path: '$.links.bandwidth', expected: /bandwidth such as/ },
  { what: 'a negative event time', content: withEvent({ at: '-1s', upload: { node: 0, chunks: 1 } }), path: '$.events[0].at', expected: /duration/, cli: true },
  { what: 'a malformed event time', content: withEvent({ at: 'soon', upload: { node: 0, chunks: 1 } }), path: '$.events[0].at', expected: /duration/ },
  { what: 'an event time without a unit', content: withEvent({ at: 5, upload: { node: 0, chunks: 1 } }), path: '$.events[0].at', expected: /duration/ },
  { what: 'a node index beyond the topology', content: withEvent({ at: '0s', upload: { node: 16, chunks: 1 } }), path: '$.events[0].upload.node', expected: /a node of the topology \(index 0\.\.15/, cli: true },
  { what: 'a negative node index', content: withEvent({ at: '1s', stop: { node: -1 } }), path: '$.events[0].stop.node', expected: /node index/ },
  { what: 'a second link end beyond the topology', content: withEvent({ at: '1s', disconnect: { a: 0, b: 99 } }), path: '$.events[0].disconnect.b', expected: /a node of the topology/ },
  { what: 'an id prefix that names no node', content: withEvent({ at: '1s', stop: { node: UNKNOWN_PREFIX } }), path: '$.events[0].stop.node', expected: /a node of the topology/ },
  { what: 'an id prefix that names more than one node', content: withEvent({ at: '1s', stop: { node: AMBIGUOUS_PREFIX } }), path: '$.events[0].stop.node', expected: /exactly one node/, cli: true },
  { what: 'a scenario file that does not exist', content: '', path: '$', expected: /a scenario file/, file: 'no-such-scenario.json', cli: true },
  { what: 'a snapshot file that does not exist', content: { ...valid(), topology: { snapshot: 'no-such-snapshot.json' } }, path: '$.topology.snapshot', expected: /existing snapshot file/, cli: true },
  { what: 'text that is not JSON', content: '{"pullsim": 1, "topology": ', path: '$', expected: /valid JSON/, cli: true },
  { what: 'no "pullsim" format version', content: { topology: { snapshot: SNAPSHOT_16 } }, path: '$.pullsim', expected: /format version 1/, cli: true },
  { what: 'a "pullsim" format version from the future', content: { ...valid(), pullsim: 2 }, path: '$.pullsim', expected: /format version 1/ },
  { what: 'uniform latency whose upper bound is below its lower one', content: { ...valid(), links: { latency: { uniform: ['50ms', '5ms'] } } }, path: '$.links.latency.uniform[1]', expected: /at least uniform\[0\]/, cli: true },
  { what: 'an unknown mutant', content: { ...valid(), protocol: { mutants: ['1972', 'B9'] } }, path: '$.protocol.mutants[1]', expected: /one of "B1", "B2"/, cli: true },
  { what: 'a mutant only tests may switch on', content: { ...valid(), protocol: { mutants: ['resubscribeFirstBin'] } }, path: '$.protocol.mutants[0]', expected: /one of "B1", "B2"/ },
  { what: 'an unknown protocol version', content: { ...valid(), protocol: { version: 'tip' } }, path: '$.protocol.version', expected: /"head" or "pr1538"/ },
];

let dir = '';
test.before(() => {
  dir = mkdtempSync(join(tmpdir(), 'pullsim-scenario-errors-'));
});
test.after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Writes the case's file (unless it is the missing one) and returns its path. */
function fileOf(c: Case, i: number): string {
  const file = join(dir, c.file ?? `case-${i}.json`);
  if (c.file === undefined) writeFileSync(file, typeof c.content === 'string' ? c.content : JSON.stringify(c.content, null, 2));
  return file;
}




/** Exit 2, nothing on stdout, and exactly one stderr line `pullsim: FILE: PATH: expected ...`, no stack trace. */
function assertUsageExit(r: Exit, file: string, path: string, what: string): void {
  const lines = r.stderr.split('\n').filter((l) => l !== '');
  assert.is(r.code, 2, `${what}: exit code (stderr: ${r.stderr})`);
  assert.is(r.stdout, '', `${what}: nothing on stdout`);
  assert.is(lines.length, 1, `${what}: one line on stderr, got:\n${r.stderr}`);
  const line = lines[0]!;
  assert.ok(line.startsWith('pullsim: '), `${what}: ${line}`);
  assert.ok(line.includes(file), `${what}: names the file ${file}: ${line}`);
  assert.ok(line.includes(`: ${path}: expected `), `${what}: names the path ${path}: ${line}`);
  assert.not.match(r.stderr, /\n\s+at /, `${what}: no stack trace`);
}

CASES.forEach((c, i) => {
  test(`a scenario with ${c.what} is a UsageError naming the file, ${c.path} and what was expected`, () => {
    const file = fileOf(c, i);
    const e = usageError(() => loadScenario(file));
    assert.not.match(e.message, /\n/, `one line: ${e.message}`);
    assert.is(e.file, file);
    assert.is(e.path, c.path, e.message);
    assert.ok(e.message.startsWith(`${file}: ${c.path}: expected `), e.message);
    assert.match(e.expected, c.expected, e.message);
  });
});

test('pullsim run exits 2 on one file of each kind, prints one line naming file and path, and writes nothing', async () => {
  const jobs = CASES.flatMap((c, i) => (c.cli ? [{ c, i }] : [])).map(({ c, i }) => async () => {
    const file = fileOf(c, i);
    const out = join(dir, `out-${i}`);
    const r = await cli(['run', file, '--out', out], dir);
    assertUsageExit(r, file, c.path, c.what);
    assert.not.ok(existsSync(out), `${c.what}: the --out folder was not created`);
  });
  assert.ok(jobs.length >= 10, `${jobs.length} cases`);
  await inParallel(jobs, 3);
  assert.not.ok(existsSync(join(dir, 'reports')), 'no default reports/ folder either');
});

/** Runs the jobs with at most `width` at a time; rejects with the first failure. */
async function inParallel(jobs: (() => Promise<void>)[], width: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) await jobs[next++]!();
  };
  await Promise.all(Array.from({ length: width }, worker));
}

const GOOD = () => {
  const file = join(dir, 'good.json');
  writeFileSync(file, JSON.stringify(valid()));
  return file;
};

const COMMAND_LINE: { what: string; args: (file: string, out: string) => string[]; path: string }[] = [
  { what: '--seed abc', args: (f, o) => ['run', f, '--seed', 'abc', '--out', o], path: '--seed' },
  { what: '--seed -1', args: (f, o) => ['run', f, '--seed', '-1', '--out', o], path: '--seed' },
  { what: '--seed with no value', args: (f, o) => ['run', f, '--out', o, '--seed'], path: '--seed' },
  { what: '--seeds 5-1 (a range from high to low)', args: (f, o) => ['sweep', f, '--seeds', '5-1', '--out', join(o, 'sweep.json')], path: '--seeds' },
  { what: '--seeds abc', args: (f, o) => ['sweep', f, '--seeds', 'abc', '--out', join(o, 'sweep.json')], path: '--seeds' },
  { what: '--seeds 1-4 --shard 3/2', args: (f, o) => ['sweep', f, '--seeds', '1-4', '--shard', '3/2', '--out', join(o, 'sweep.json')], path: '--shard' },
  { what: 'an unknown flag --colour', args: (f, o) => ['run', f, '--colour', '--out', o], path: 'arguments' },
  { what: 'sweep without --seeds', args: (f, o) => ['sweep', f, '--out', join(o, 'sweep.json')], path: 'arguments' },
];

COMMAND_LINE.forEach((c, i) => {
  test(`pullsim with ${c.what} exits 2 with one line naming the command line and ${c.path}, and writes nothing`, async () => {
    const out = join(dir, `cli-out-${i}`);
    const r = await cli(c.args(GOOD(), out), dir);
    assertUsageExit(r, 'command line', c.path, c.what);
    assert.not.ok(existsSync(out), 'the --out folder was not created');
    assert.not.ok(existsSync(join(dir, 'reports')), 'no default reports/ folder');
  });
});

// A partition group's references are resolved at load time like every other node reference.
test('a partition group naming a node beyond the topology is a UsageError naming the group entry', () => {
  const c: Case = { what: 'a partition group naming node 99', content: withEvent({ at: '1s', partition: { groups: [[0, 1], [99]] } }), path: '$.events[0].partition.groups[1][0]', expected: /a node of the topology/ };
  const file = fileOf(c, CASES.length);
  const e = usageError(() => loadScenario(file));
  assert.is(e.path, c.path, e.message);
  assert.match(e.expected, c.expected, e.message);
});

test.run();
