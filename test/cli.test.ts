import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadSnapshot } from '../src/topology/snapshot.js';
import { CLI, runCli, runShell, type Exit } from './helpers/process.js';

function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return dir;
}
const ROOT = repoRoot();
const HEX16 = /^[0-9a-f]{16}$/;
const HEX64 = /^[0-9a-f]{64}$/;

type Json = Record<string, unknown>;

/** 16 nodes of the repository's snapshot, 50 chunks in two uploads: about 4,000 events, 0.1 s. */
const small = (more: Json = {}): Json => ({
  pullsim: 1,
  name: 'small',
  topology: { snapshot: join(ROOT, 'snapshots/generated-16.json') },
  links: { latency: { uniform: ['5ms', '50ms'] } },
  events: [
    { at: '0s', upload: { node: 'random', chunks: 40 } },
    { at: '2s', upload: { node: 'random', chunks: 10 } },
  ],
  expect: { maxDuplicates: 1000 },
  ...more,
});

let cwd = '';
test.before(() => {
  cwd = mkdtempSync(join(tmpdir(), 'pullsim-cli-'));
  writeFileSync(join(cwd, 'small.json'), JSON.stringify(small()));
  writeFileSync(join(cwd, 'expects-fail.json'), JSON.stringify(small({ name: 'expects-fail', expect: { verdict: 'fail', maxDuplicates: 1000 } })));
  writeFileSync(join(cwd, 'no-duplicates.json'), JSON.stringify(small({ name: 'no-duplicates', expect: { maxDuplicates: 0 } })));
});
test.after(() => {
  if (cwd) rmSync(cwd, { recursive: true, force: true });
});



const cli = (...args: string[]): Promise<Exit> => runCli(args, cwd);

const readJson = (file: string): Json => JSON.parse(readFileSync(join(cwd, file), 'utf8')) as Json;
const fingerprintIn = (stdout: string): string => /fingerprint ([0-9a-f]{16})/.exec(stdout)?.[1] ?? `none in: ${stdout}`;

/** `run small.json --seed N` once per seed in this file: the fingerprint each printed, for the sweep tests. */
const singleRuns = new Map<number, string>();
async function runSmall(seed: number, out = `runs/${seed}`): Promise<Exit> {
  const r = await cli('run', 'small.json', '--seed', String(seed), '--out', out);
  assert.is(r.code, 0, r.stderr + r.stdout);
  if (!singleRuns.has(seed)) singleRuns.set(seed, fingerprintIn(r.stdout));
  return r;
}

test('run on a small scenario exits 0 and writes a result.json that follows the contract', async () => {
  await runSmall(1, 'contract');
  const r = readJson('contract/result.json');
  assert.is(r.pullsim, 1);
  assert.is(r.scenario, 'small');
  assert.is(r.seed, 1);
  assert.match(r.fingerprint as string, HEX16);
  assert.is(r.verdict, 'pass');
  assert.ok(Array.isArray(r.violations));
  const config = r.config as Json;
  assert.equal(Object.keys(config).sort(), ['events', 'expect', 'links', 'protocol', 'run', 'topology']);
  assert.is((config.protocol as Json).batchSize, 64, 'defaults are echoed in the resolved config');
  assert.equal((config.run as Json).maxTime, 3600 * 1e6);

  const m = r.metrics as Json;
  for (const k of ['convergenceMicros', 'events', 'bytes', 'duplicates', 'wallMs']) assert.type(m[k], 'number', `metrics.${k}`);
  assert.ok((m.events as number) > 1000 && (m.convergenceMicros as number) > 0);
  const messages = m.messages as Record<string, number>;
  for (const k of ['GetRange', 'OfferedHashes', 'WantedHashes', 'ChunkDelivery']) assert.ok(messages[k]! > 0, `messages.${k}`);

  const nodes = r.nodes as { id: string; depth: number; up: boolean }[];
  assert.is(nodes.length, 16);
  for (const n of nodes) assert.ok(HEX64.test(n.id) && Number.isInteger(n.depth) && n.up === true, JSON.stringify(n));
  const ids = new Set(nodes.map((n) => n.id));
  const links = r.links as [string, string][];
  assert.ok(links.length > 16);
  for (const l of links) assert.ok(l.length === 2 && ids.has(l[0]) && ids.has(l[1]), JSON.stringify(l));

  const chunks = r.chunks as { addr: string; origin: string; holders: number[]; deliveries: number }[];
  assert.is(chunks.length, 50);
  for (const c of chunks) {
    assert.match(c.addr, HEX64);
    assert.ok(c.holders.every((h) => Number.isInteger(h) && nodes[h] !== undefined), `holders index nodes: ${c.holders}`);
    assert.ok(ids.has(c.origin) && c.holders.some((h) => nodes[h]!.id === c.origin), `the origin holds ${c.addr}`);
    assert.ok(Number.isInteger(c.deliveries) && c.deliveries >= c.holders.length - 1, `${c.addr}: ${c.deliveries} deliveries to ${c.holders.length} holders`);
  }
});

test('run prints the seed, the config hash and a reproduce line that, when executed, gives the same fingerprint', async () => {
  const r = await runSmall(7, 'printed');
  assert.match(r.stdout, /\bseed 7\b/);
  assert.match(r.stdout, /\bconfig [0-9a-f]{16}\b/);
  const printed = fingerprintIn(r.stdout);
  assert.is(printed, readJson('printed/result.json').fingerprint);
  const line = /reproduce: (.+)$/m.exec(r.stdout)?.[1];
  assert.ok(line, r.stdout);
  // the terminal's line names the built CLI and the scenario by absolute paths: it works from any folder
  assert.is(line, `node ${CLI} run ${join(cwd, 'small.json')} --seed 7`);
  assert.is(readJson('printed/result.json').reproduce, 'pullsim run small.json --seed 7', 'result.json keeps a portable form');
  const elsewhere = mkdtempSync(join(tmpdir(), 'pullsim-elsewhere-'));
  try {
    const again = await runShell(`${line} --out reproduced`, elsewhere);
    assert.is(again.code, 0, again.stderr);
    assert.is(fingerprintIn(again.stdout), printed);
  } finally {
    rmSync(elsewhere, { recursive: true, force: true });
  }
});

test('run --json prints one parseable JSON summary', async () => {
  const r = await cli('run', 'small.json', '--json', '--out', 'as-json');
  assert.is(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout) as Json;
  assert.is(j.scenario, 'small');
  assert.is(j.seed, 1);
  assert.is(j.verdict, 'pass');
  assert.is(j.expectationMet, true);
  assert.match(j.fingerprint as string, HEX16);
  assert.is(j.reproduce, 'pullsim run small.json --seed 1');
  assert.is(j.reproduceHere, `node ${CLI} run ${join(cwd, 'small.json')} --seed 1`);
  assert.type((j.metrics as Json).events, 'number');
});

test('a scenario that expects a failure but passes exits 1', async () => {
  const r = await cli('run', 'expects-fail.json', '--out', 'expects-fail');
  assert.is(r.code, 1, r.stdout + r.stderr);
  const j = readJson('expects-fail/result.json');
  assert.equal([j.verdict, j.expectationMet], ['pass', false]);
});

test('duplicates beyond maxDuplicates 0 fail the run, exit 1, and are listed in result.json', async () => {
  const r = await cli('run', 'no-duplicates.json', '--out', 'no-duplicates');
  assert.is(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /verdict FAIL/);
  const j = readJson('no-duplicates/result.json');
  assert.is(j.verdict, 'fail');
  const dups = (j.violations as Json[]).filter((v) => v.kind === 'duplicate');
  assert.ok(dups.length > 0 && dups.length === (j.metrics as Json).duplicates, `${dups.length} listed`);
  assert.match(dups[0]!.node as string, HEX64);
  assert.match(dups[0]!.chunk as string, HEX64);
});

test('two separate processes running one scenario on one seed print the same fingerprint; another seed prints another', async () => {
  const [a, b, c] = await Promise.all([runSmall(2, 'twice/a'), runSmall(2, 'twice/b'), runSmall(3)]);
  const fa = fingerprintIn(a.stdout);
  assert.match(fa, HEX16);
  assert.is(fingerprintIn(b.stdout), fa);
  assert.is.not(fingerprintIn(c.stdout), fa);
  const text = (d: string) => JSON.stringify({ ...readJson(`${d}/result.json`), metrics: { ...(readJson(`${d}/result.json`).metrics as Json), wallMs: 0 } });
  assert.ok(text('twice/a') === text('twice/b'), 'the two result.json files differ beyond wallMs');
});

test('run --check-determinism runs twice and reports the same fingerprint', async () => {
  const r = await cli('run', 'small.json', '--check-determinism', '--out', 'determinism');
  assert.is(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, new RegExp(`determinism: same fingerprint ${fingerprintIn(r.stdout)}`));
});

test('run --trace writes trace.jsonl: a header naming the run, then every message and what happened, in time order', async () => {
  const r = await cli('run', 'small.json', '--trace', '--out', 'traced');
  assert.is(r.code, 0, r.stderr);
  const lines = readFileSync(join(cwd, 'traced/trace.jsonl'), 'utf8').trimEnd().split('\n');
  const result = readJson('traced/result.json');
  const header = JSON.parse(lines[0]!) as Json;
  assert.ok(lines[0]!.startsWith('{"pullsim":1,"kind":"trace"'), lines[0]!.slice(0, 40));
  assert.equal([header.scenario, header.seed, header.fingerprint, header.filter, header.dropped], ['small', 1, result.fingerprint, null, 0]);
  const records = lines.slice(1).map((l) => JSON.parse(l) as Json);
  assert.is(header.records, records.length);
  const count = (ev: string) => records.filter((x) => x.ev === ev).length;
  const metrics = result.metrics as Json;
  assert.is(count('msg'), metrics.messagesTotal, 'one msg record per message sent');
  assert.is(count('store'), records.filter((x) => x.ev === 'upload').length + (metrics.deliveries as number) - (metrics.duplicates as number), 'a store per upload and per first delivery');
  assert.ok(count('recv') > 0.99 * count('msg'), `${count('recv')} arrivals of ${count('msg')} messages`);
  assert.ok(records.every((x, i) => i === 0 || (x.t as number) >= (records[i - 1]!.t as number)), 'records in time order');
});

/** The sweep summary's seeds and fingerprints, checked against single runs of the same seeds. */
async function assertMatchesSingleRuns(summary: Json, seeds: number[]): Promise<void> {
  const runs = summary.runs as { seed: number; fingerprint: string; expectationMet: boolean }[];
  assert.equal(runs.map((x) => x.seed), seeds);
  for (const s of seeds) if (!singleRuns.has(s)) await runSmall(s);
  for (const x of runs) {
    assert.ok(x.expectationMet, `seed ${x.seed}`);
    assert.is(x.fingerprint, singleRuns.get(x.seed), `seed ${x.seed}: the sweep's fingerprint is the single run's`);
  }
}

test('sweep --seeds 1-4 --jobs 2 exits 0 and writes a summary whose fingerprints equal single runs of each seed', async () => {
  const r = await cli('sweep', 'small.json', '--seeds', '1-4', '--jobs', '2', '--out', 'sweep.json');
  assert.is(r.code, 0, r.stdout + r.stderr);
  const summary = readJson('sweep.json');
  assert.equal(summary.counts, { seeds: 4, pass: 4, fail: 0, expectationMet: 4 });
  await assertMatchesSingleRuns(summary, [1, 2, 3, 4]);
});

test('sweep --shard 1/2 runs every other seed of the list', async () => {
  const r = await cli('sweep', 'small.json', '--seeds', '1-4', '--shard', '1/2', '--jobs', '2', '--out', 'shard.json');
  assert.is(r.code, 0, r.stdout + r.stderr);
  const summary = readJson('shard.json');
  assert.is(summary.shard, '1/2');
  await assertMatchesSingleRuns(summary, [1, 3]);
});

test('snapshot generate writes a snapshot that loads, and writes the same bytes again', async () => {
  const [a, b] = await Promise.all([
    cli('snapshot', 'generate', '--nodes', '32', '--seed', '3', '--out', 'gen-a.json'),
    cli('snapshot', 'generate', '--nodes', '32', '--seed', '3', '--out', 'gen-b.json'),
  ]);
  assert.is(a.code, 0, a.stderr);
  assert.is(b.code, 0, b.stderr);
  const t = loadSnapshot(join(cwd, 'gen-a.json'));
  assert.is(t.ids.length, 32);
  assert.ok(t.conns.length >= 31, `${t.conns.length} connections`);
  assert.ok(readFileSync(join(cwd, 'gen-a.json')).equals(readFileSync(join(cwd, 'gen-b.json'))), 'the two files differ');
});

test('topology --json prints every node (index, id, depth, degree, bins) and a summary', async () => {
  if (!existsSync(join(cwd, 'gen-a.json'))) await cli('snapshot', 'generate', '--nodes', '32', '--seed', '3', '--out', 'gen-a.json');
  const r = await cli('topology', 'gen-a.json', '--json');
  assert.is(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout) as { nodes: Json[]; summary: Json };
  assert.equal(Object.keys(j).sort(), ['nodes', 'summary']);
  assert.is(j.nodes.length, 32);
  j.nodes.forEach((n, i) => {
    assert.equal(Object.keys(n).sort(), ['bins', 'degree', 'depth', 'id', 'index']);
    assert.is(n.index, i);
    assert.match(n.id as string, HEX64);
    assert.is((n.bins as number[]).reduce((x, y) => x + y, 0), n.degree, `node ${i}: its bins add up to its degree`);
  });
  assert.is(j.summary.nodes, 32);
});

test.run();
