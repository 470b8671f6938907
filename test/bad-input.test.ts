import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SCENARIO } from '../src/scenario/schema.js';
import { summarize, type SeedSummary } from '../src/report/sweep.js';
import { loadSnapshot } from '../src/topology/snapshot.js';
import { badDocs, type BadDoc } from './helpers/bad-cases.js';
import { runInProcess, tree } from './helpers/in-process.js';
import { AMBIGUOUS_PREFIX, IDS_16, SNAPSHOT_16, UNKNOWN_PREFIX, validScenario, type Json } from './helpers/scenarios.js';
import { ROOT } from './helpers/process.js';

// The bad-input suite: hundreds of bad inputs generated from the scenario schema, the snapshot format and the CLI's
// flags, each run through the CLI's entry in this process. Each must give exit 2 and exactly one line on stderr
// naming the file (or "command line"), the JSON path or flag, and what was expected; no stack trace; nothing
// written or left behind in the working folder; within seconds.

const TMP = mkdtempSync(join(tmpdir(), 'pullsim-bad-input-'));
const IN = join(TMP, 'in');
const WORK = join(TMP, 'work');
mkdirSync(IN);
mkdirSync(WORK);
const IDS = IDS_16;
const valid = validScenario;
const write = (name: string, content: unknown): string => {
  const file = join(IN, name);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
};

interface Case {
  what: string;
  args: string[];
  /** what the one stderr line must name: the file and the JSON path, or the flag */
  names: string[];
}

const cases: Case[] = [];
const add = (what: string, args: string[], ...names: string[]) => cases.push({ what, args, names });

// --- the scenario schema: every rejected value at every key ---------------------------------------------------
const generated: BadDoc[] = badDocs(SCENARIO, '$', valid(), (v) => v);
generated.forEach((b, i) => {
  const file = write(`schema-${i}.json`, b.doc);
  add(`scenario ${b.what}`, ['run', file], file, `${b.path}: expected`);
});

// --- scenario values only the topology can judge --------------------------------------------------------------
const unknownPrefix = UNKNOWN_PREFIX;
const ambiguous = AMBIGUOUS_PREFIX;
const linked = loadSnapshot(SNAPSHOT_16).conns;
const [la, lb] = linked[0]!;
const unlinked = (() => {
  for (let a = 0; a < 16; a++) for (let b = a + 1; b < 16; b++) if (!linked.some(([x, y]) => (x === a && y === b) || (x === b && y === a))) return [a, b] as const;
  throw new Error('a complete graph');
})();
const semantic: [string, Json | string, string][] = [
  ['a node index beyond the topology', { ...valid(), events: [{ at: '0s', upload: { node: 16, chunks: 1 } }] }, '$.events[0].upload.node'],
  ['an id prefix that names no node', { ...valid(), events: [{ at: '1s', stop: { node: unknownPrefix } }] }, '$.events[0].stop.node'],
  ['an id prefix that names two nodes', { ...valid(), events: [{ at: '1s', stop: { node: ambiguous } }] }, '$.events[0].stop.node'],
  ['a connect of a node with itself by index and prefix', { ...valid(), events: [{ at: '1s', connect: { a: 3, b: IDS[3]!.slice(0, 8) } }] }, '$.events[0].connect.b'],
  ['a disconnect of a node with itself', { ...valid(), events: [{ at: '1s', disconnect: { a: 2, b: 2 } }] }, '$.events[0].disconnect.b'],
  ['a disconnect of a pair that is not linked', { ...valid(), events: [{ at: '1s', disconnect: { a: unlinked[0], b: unlinked[1] } }] }, '$.events[0].disconnect'],
  ['a link change on a pair that is not linked', { ...valid(), events: [{ at: '1s', links: { a: unlinked[0], b: unlinked[1], latency: '1s' } }] }, '$.events[0].links'],
  ['a link change on a pair connected only later', { ...valid(), events: [{ at: '1s', links: { a: unlinked[0], b: unlinked[1], latency: '1s' } }, { at: '2s', connect: { a: unlinked[0], b: unlinked[1] } }] }, '$.events[0].links'],
  ['a node in two partition groups (index and prefix)', { ...valid(), events: [{ at: '1s', partition: { groups: [[la], [lb, IDS[la]!.slice(0, 10)]] } }] }, '$.events[0].partition.groups[1][1]'],
  ['an event after run.maxTime', { ...valid(), run: { maxTime: '10s' }, events: [{ at: '11s', heal: {} }] }, '$.events[0].at'],
  ['an event after run.until', { ...valid(), run: { until: '5s' }, events: [{ at: '6s', heal: {} }] }, '$.events[0].at'],
  ['churn that ends before it starts', { ...valid(), events: [{ at: '5s', churn: { rate: '1/s', downtime: '1s', until: '5s' } }] }, '$.events[0].churn.until'],
  ['the go hive with no hive at all (redialDelay null)', { ...valid(), hive: { model: 'go' }, protocol: { redialDelay: null } }, '$.hive.model'],
  ['the go hive with the simple hive\'s redialDelay', { ...valid(), hive: { model: 'go' }, protocol: { redialDelay: '150ms' } }, '$.protocol.redialDelay'],
  ['a go hive key with the simple hive', { ...valid(), hive: { retryInterval: '1s' } }, '$.hive.retryInterval'],
  ['a snapshot and a generated topology at once', { ...valid(), topology: { snapshot: SNAPSHOT_16, generate: { nodes: 4 } } }, '$.topology'],
  ['neither a snapshot nor a generated topology', { ...valid(), topology: {} }, '$.topology'],
  ['a mesh of more than 1000 nodes', { ...valid(), topology: { generate: { nodes: 1001, shape: 'mesh' } } }, '$.topology.generate.nodes'],
  ['a snapshot file that does not exist', { ...valid(), topology: { snapshot: 'no-such-snapshot.json' } }, '$.topology.snapshot'],
  ['a snapshot path that is a folder', { ...valid(), topology: { snapshot: '.' } }, '$.topology.snapshot'],
  ['seed 1e999 (infinite)', '{"pullsim": 1, "seed": 1e999, "topology": {"snapshot": ' + JSON.stringify(SNAPSHOT_16) + '}}', '$.seed'],
];
// keys, events and mutants of one protocol refused for the other (protocol.kind)
const bee = (more: Json): Json => ({ ...valid(), protocol: { kind: 'bee', ...more } });
semantic.push(
  ['a stream! setting with protocol.kind "bee"', bee({ batchSize: 64 }), '$.protocol.batchSize'],
  ["stream!'s version with protocol.kind \"bee\"", bee({ version: 'head' }), '$.protocol.version'],
  ['a Bee setting with protocol.kind "stream" (the default)', { ...valid(), protocol: { capacity: 100 } }, '$.protocol.capacity'],
  ['a Bee setting with protocol.kind "stream" said', { ...valid(), protocol: { kind: 'stream', networkRadius: 3 } }, '$.protocol.networkRadius'],
  ['a Bee mutant on stream!', { ...valid(), protocol: { mutants: ['B1', 'bee-3700'] } }, '$.protocol.mutants[1]'],
  ["a stream! mutant on Bee", bee({ mutants: ['1952'] }), '$.protocol.mutants[0]'],
  ['a wipe on stream!', { ...valid(), events: [{ at: '1s', wipe: { node: 1 } }] }, '$.events[0].wipe'],
  ['lost data on stream!', { ...valid(), events: [{ at: '1s', loseData: { node: 1, chunks: [[0, 1]] } }] }, '$.events[0].loseData'],
  ['a batch expiry on stream!', { ...valid(), events: [{ at: '1s', expireBatch: { batch: 1 } }] }, '$.events[0].expireBatch'],
  ['an upload batch on stream!', { ...valid(), events: [{ at: '0s', upload: { node: 0, chunks: 1, batch: 2 } }] }, '$.events[0].upload.batch'],
  ['maxOutOfRadius on stream!', { ...valid(), expect: { maxOutOfRadius: 0 } }, '$.expect.maxOutOfRadius'],
);
semantic.forEach(([what, doc, path], i) => {
  const file = write(`semantic-${i}.json`, doc);
  add(what, ['run', file], file, `${path}: expected`, ...(what.startsWith('seed 1e999') ? ['got Infinity'] : []));
});
const huge = join(IN, 'huge.json');
writeFileSync(huge, '');
truncateSync(huge, 600 * 2 ** 20); // sparse: no disk is used
add('a scenario file larger than 512 MiB', ['run', huge], huge, '$: expected a scenario file of at most 512 MiB', '600 MiB');
const noName = write('a b.json', { pullsim: 1, topology: { snapshot: SNAPSHOT_16 } });
add('a file name that is not a usable scenario name, and no "name"', ['run', noName], noName, '$.name: expected');
const notJson = write('not-json.json', '{"pullsim": 1, "topology": ');
add('text that is not JSON', ['run', notJson], notJson, '$: expected valid JSON');
add('a scenario file that does not exist', ['run', join(IN, 'missing.json')], join(IN, 'missing.json'), '$: expected a scenario file, got no such file');
add('a scenario path that is a folder', ['run', IN], IN, '$: expected a scenario file, got a folder');

// --- the snapshot format ------------------------------------------------------------------------------------------
const snap = JSON.parse(readFileSync(SNAPSHOT_16, 'utf8')) as { nodes: Json[]; conns: Json[] };
const node0 = snap.nodes[0]! as { node: { info: Json & { protocols: Json } } };
const id0 = node0.node.info.id as string;
const id1 = (snap.nodes[1] as { node: { info: Json } }).node.info.id as string;
const withNode = (f: (n: { node: { info: Json & { protocols: Json } }; [k: string]: unknown }) => void): unknown => {
  const copy = structuredClone(snap) as typeof snap;
  f(copy.nodes[0] as { node: { info: Json & { protocols: Json } } });
  return copy;
};
const withConns = (conns: unknown[]): unknown => ({ ...snap, conns });
const snapshots: [string, unknown, string][] = [
  ['a snapshot that is an array', [], '$'],
  ['nodes that are not an array', { ...snap, nodes: {} }, '$.nodes'],
  ['no conns key', { nodes: snap.nodes }, '$.conns'],
  ['conns that are not an array', { ...snap, conns: 'none' }, '$.conns'],
  ['a node entry that is not an object', { ...snap, nodes: [7, ...snap.nodes.slice(1)] }, '$.nodes[0].node'],
  ['a node without info', withNode((n) => delete (n.node as Json).info), '$.nodes[0].node.info'],
  ['a node id that is not hex', withNode((n) => (n.node.info.id = 'zz')), '$.nodes[0].node.info.id'],
  ['a node id of 63 digits', withNode((n) => (n.node.info.id = id0.slice(1))), '$.nodes[0].node.info.id'],
  ['a node id given as a number', withNode((n) => (n.node.info.id = 12)), '$.nodes[0].node.info.id'],
  ['protocols that are not an object', withNode((n) => ((n.node.info as Json).protocols = 'bzz')), '$.nodes[0].node.info.protocols'],
  ['a bzz overlay that is not base64', withNode((n) => (n.node.info.protocols.bzz = '***')), '$.nodes[0].node.info.protocols.bzz'],
  ['a bzz overlay of 31 bytes', withNode((n) => (n.node.info.protocols.bzz = Buffer.alloc(31).toString('base64'))), '$.nodes[0].node.info.protocols.bzz'],
  ['an up flag that is a string', withNode((n) => (n.up = 'yes')), '$.nodes[0].up'],
  ['two nodes with one id', { ...snap, nodes: [snap.nodes[0], snap.nodes[0], ...snap.nodes.slice(2)] }, '$.nodes[1].node.info.id'],
  ['a connection that is not an object', withConns([5]), '$.conns[0]'],
  ['a connection end that is not an id', withConns([{ one: 'x', other: id1 }]), '$.conns[0].one'],
  ['a connection to an unknown node', withConns([{ one: id0, other: 'ab'.repeat(32) }]), '$.conns[0].other'],
  ['a connection of a node to itself', withConns([{ one: id0, other: id0 }]), '$.conns[0]'],
  ['a connection listed twice', withConns([{ one: id0, other: id1 }, { one: id1, other: id0 }]), '$.conns[1]'],
  ['a connection up flag that is a number', withConns([{ one: id0, other: id1, up: 1 }]), '$.conns[0].up'],
];
snapshots.forEach(([what, doc, path], i) => {
  const file = write(`snapshot-${i}.json`, doc);
  add(`snapshot: ${what}`, ['topology', file], file, `${path}: expected`);
  const scenario = write(`snapshot-scenario-${i}.json`, { ...valid(), topology: { snapshot: file } });
  add(`a scenario on a snapshot with ${what}`, ['run', scenario], file, `${path}: expected`);
});

// --- flags --------------------------------------------------------------------------------------------------------
const ok = write('ok.json', valid());
for (const v of ['-1', '1.5', 'abc', '9007199254740992', '1e3']) add(`run --seed ${v}`, ['run', ok, `--seed=${v}`], 'command line', '--seed');
for (const v of ['', 'x', '5-1', '1-2000000', '9007199254740992', '9007199254740990-9007199254740995', '1,,2', '1-']) add(`sweep --seeds "${v}"`, ['sweep', ok, `--seeds=${v}`], 'command line', '--seeds');
for (const v of ['0', '-1', 'x', '1.5']) add(`sweep --jobs ${v}`, ['sweep', ok, '--seeds', '1', `--jobs=${v}`], 'command line', '--jobs');
for (const v of ['0/2', '3/2', 'x', '1/0', '2/2']) add(`sweep --shard ${v}`, ['sweep', ok, '--seeds', '1', `--shard=${v}`], 'command line', '--shard');
add('run --mutant of an unknown name', ['run', ok, '--mutant', 'nope'], 'command line', '--mutant');
for (const v of ['-1', 'x', '1.5']) add(`shrink --seed ${v}`, ['shrink', ok, `--seed=${v}`], 'command line', '--seed');
for (const v of ['0', 'x', '-3']) add(`shrink --max-runs ${v}`, ['shrink', ok, `--max-runs=${v}`], 'command line', '--max-runs');
for (const v of ['0', 'x']) add(`shrink --jobs ${v}`, ['shrink', ok, `--jobs=${v}`], 'command line', '--jobs');
for (const v of ['Missing', 'two words', '', '9lives']) add(`shrink --property "${v}"`, ['shrink', ok, `--property=${v}`], 'command line', '--property');
add('shrink --mutant of an unknown name', ['shrink', ok, '--mutant', 'nope'], 'command line', '--mutant');
add('shrink without a scenario', ['shrink'], 'command line', 'arguments');
add('shrink of a run that shows no violation', ['shrink', ok], 'command line', '--seed', 'shows none');
add('shrink --property the run does not show', ['shrink', ok, '--property', 'duplicate'], 'command line', '--property', 'a property the run violates');
add('sweep --mutant of an unknown name', ['sweep', ok, '--seeds', '1', '--mutant', 'B9'], 'command line', '--mutant');
const beeOk = write('bee-ok.json', bee({}));
add('run --mutant of a Bee mutant on a stream! scenario', ['run', ok, '--mutant', 'bee-3700'], 'command line', '--mutant');
add('run --mutant of a stream! mutant on a Bee scenario', ['run', beeOk, '--mutant', '1952'], 'command line', '--mutant');
add('sweep --mutant of a latent defect on a Bee scenario', ['sweep', beeOk, '--seeds', '1', '--mutant', 'L1'], 'command line', '--mutant');
add('run with an unknown flag', ['run', ok, '--colour'], 'command line', 'arguments');
add('run without a scenario', ['run'], 'command line', 'arguments');
add('sweep without --seeds', ['sweep', ok], 'command line', 'arguments');
add('an unknown command', ['simulate', ok], 'command line', 'arguments');
for (const v of ['0', '1', '100001', 'x']) add(`snapshot generate --nodes ${v}`, ['snapshot', 'generate', `--nodes=${v}`], 'command line', '--nodes');
for (const v of ['0', 'x']) add(`snapshot generate --bin-size ${v}`, ['snapshot', 'generate', '--nodes', '8', `--bin-size=${v}`], 'command line', '--bin-size');
add('snapshot generate --seed x', ['snapshot', 'generate', '--nodes', '8', '--seed', 'x'], 'command line', '--seed');
add('snapshot generate --neighbourhood-size 0', ['snapshot', 'generate', '--nodes', '8', '--neighbourhood-size', '0'], 'command line', '--neighbourhood-size');
add('snapshot with an unknown action', ['snapshot', 'make', '--nodes', '8'], 'command line', 'arguments');
add('topology --neighbourhood-size x', ['topology', SNAPSHOT_16, '--neighbourhood-size', 'x'], 'command line', '--neighbourhood-size');
for (const v of ['0', 'x', '1001']) add(`mutants --seeds ${v}`, ['mutants', `--seeds=${v}`], 'command line', '--seeds');
add('mutants --only an unknown mutant', ['mutants', '--only', 'nope'], 'command line', '--only');
add('gate --seeds without --update', ['gate', '--suite', join(ROOT, 'scenarios/ci'), '--seeds', '1-2'], 'command line', '--seeds');
add('gate on a suite folder that does not exist', ['gate', '--suite', join(IN, 'nowhere')], join(IN, 'nowhere'), '$');
const emptySuite = join(IN, 'empty-suite');
mkdirSync(emptySuite);
add('gate on a suite folder without scenarios', ['gate', '--suite', emptySuite], emptySuite, '$');
add('gate with a baseline that does not exist', ['gate', '--suite', join(ROOT, 'scenarios/ci'), '--baseline', join(IN, 'no-baseline.json')], join(IN, 'no-baseline.json'), '$');
const badBaseline = write('bad-baseline.json', { pullsim: 1, kind: 'gate-baseline', scenarios: [] });
add('gate with a malformed baseline', ['gate', '--suite', join(ROOT, 'scenarios/ci'), '--baseline', badBaseline], badBaseline, '$.scenarios');

// --- report, compare and sweep-merge inputs -----------------------------------------------------------------------
const run = (seed: number): SeedSummary => ({ seed, verdict: 'pass', expectationMet: true, fingerprint: 'f', convergenceMicros: 1, endMicros: 2, events: 3, messages: 4, bytes: 5, deliveries: 6, duplicates: 0, missing: 0, drops: 0, violations: 0, wallMs: 1 });
const sweepA = write('sweep-a.json', summarize('s', 's.json', 'abc', '1-2', undefined, [run(1), run(2)]));
const sweepOther = write('sweep-other.json', summarize('t', 't.json', 'abc', '3', undefined, [run(3)]));
const sweepClash = write('sweep-clash.json', summarize('s', 's.json', 'abc', '2', undefined, [run(2)]));
add('sweep-merge of summaries of two scenarios', ['sweep-merge', sweepA, sweepOther, '--out', 'merged.json'], sweepOther, '$.scenario');
add('sweep-merge of overlapping seeds', ['sweep-merge', sweepA, sweepClash, '--out', 'merged.json'], sweepClash, '$.runs[0].seed');
add('sweep-merge of a file that is not a sweep', ['sweep-merge', ok], ok, '$.kind');
add('sweep-merge into one of its inputs', ['sweep-merge', sweepA, '--out', sweepA], 'command line', '--out');
add('report of a file that is not JSON', ['report', notJson], notJson, '$: expected valid JSON');
add('report of a folder without result.json', ['report', IN], join(IN, 'result.json'), '$');
add('report of a scenario file', ['report', ok], ok, '$: expected', 'pullsim run');
const resultish = { pullsim: 1, scenario: 's', description: '', configHash: 'c', fingerprint: 'f', reproduce: 'r', seed: 1, verdict: 'pass', config: {}, expect: { maxDuplicates: 0 } };
const numberNode = write('number-node.json', { ...resultish, metrics: {} });
add('report of a result without metrics', ['report', numberNode], numberNode, '$.metrics.nodes');
add('compare of a run and a sweep', ['compare', sweepA, numberNode], numberNode, '$');

// --- explain: the run, the violation, the scenario behind it ------------------------------------------------------
const vacuousScenario = write('vacuous.json', { ...valid(), name: 'vacuous', expect: { minAorPairs: 1000000 } });
const vacuousRun = join(IN, 'vacuous-run');
assert.is((await runInProcess(['run', vacuousScenario, '--out', vacuousRun], IN)).code, 1, 'the vacuous run fails');
const vacuous = JSON.parse(readFileSync(join(vacuousRun, 'result.json'), 'utf8')) as Json & { violations: Json[]; nodes: { id: string }[]; chunks: { addr: string }[] };
const withResult = (name: string, change: Json): string => {
  mkdirSync(join(IN, name));
  writeFileSync(join(IN, name, 'result.json'), JSON.stringify({ ...vacuous, ...change }));
  return join(IN, name);
};
const missing = { kind: 'missing', node: vacuous.nodes[1]!.id, nodeIndex: 1, chunk: vacuous.chunks[0]!.addr, at: 1, detail: 'depth 0, PO 0' };
const noViolations = withResult('no-violations', { violations: [] });
const lost = withResult('lost-scenario', { violations: [missing], reproduce: 'pullsim run nowhere/lost.json --seed 1' });
const oddLine = withResult('odd-reproduce', { violations: [missing], reproduce: `pullsim run ${vacuousScenario} --seed 1 --turbo` });
const changed = withResult('changed-scenario', { violations: [missing], reproduce: `pullsim run ${ok} --seed 1` });
const otherCode = withResult('other-code', { violations: [missing], reproduce: `pullsim run ${vacuousScenario} --seed 1`, fingerprint: '0000000000000000' });
for (const v of ['1', '7', '-1', 'x', '1.5', '']) add(`explain --violation "${v}"`, ['explain', vacuousRun, `--violation=${v}`], 'command line', '--violation');
add('explain of a scenario file', ['explain', vacuousScenario], vacuousScenario, '$: expected', 'pullsim run');
add('explain of a sweep summary', ['explain', sweepA], sweepA, '$.kind');
add('explain of a folder without result.json', ['explain', IN], join(IN, 'result.json'), '$');
add('explain of a run without violations', ['explain', noViolations], join(noViolations, 'result.json'), '$.violations');
add('explain of a run whose scenario is not where its reproduce line says', ['explain', lost], join(lost, 'result.json'), '$.reproduce', 'nowhere/lost.json');
add('explain with a --scenario that does not exist', ['explain', lost, '--scenario', join(IN, 'nowhere.json')], 'command line', '--scenario');
add('explain of a run whose reproduce line has a flag explain does not know', ['explain', oddLine], join(oddLine, 'result.json'), '$.reproduce');
add('explain of a run whose scenario changed since', ['explain', changed], join(changed, 'result.json'), '$.configHash');
add('explain of a run this code replays differently', ['explain', otherCode], join(otherCode, 'result.json'), '$.fingerprint', 'the code changed');
for (const v of ['0', 'x']) add(`run --trace-limit ${v}`, ['run', ok, `--trace-limit=${v}`], 'command line', '--trace-limit');
for (const v of ['x', '16', '1,1', '1,,2', '']) add(`run --trace-nodes "${v}"`, ['run', ok, `--trace-nodes=${v}`], 'command line', '--trace-nodes');

// --- output paths, checked before any work -------------------------------------------------------------------------
writeFileSync(join(WORK, 'foreign.txt'), 'not pullsim\'s');
writeFileSync(join(WORK, 'foreign.svg'), '<svg xmlns="http://www.w3.org/2000/svg"></svg>');
mkdirSync(join(WORK, 'folder.svg'));
mkdirSync(join(WORK, 'afolder'));
mkdirSync(join(WORK, 'foreigndir'));
writeFileSync(join(WORK, 'foreigndir', 'result.json'), '{"mine": true}');
writeFileSync(join(WORK, 'foreigndir', 'index.html'), '<html>mine</html>');
const long = 'x'.repeat(300);
const fileTargets = ['/proc/pullsim-x', '/sys/x', '/proc/self/fd', '/dev/null', 'foreign.txt', 'foreign.txt/sub', 'afolder', `${long}.json`, `a/${long}/b.json`, ok];
const folderTargets = ['/proc/pullsim-x', '/sys/x', '/proc/self/fd', 'foreign.txt', 'foreign.txt/sub', 'foreigndir', long];
for (const t of ['/proc/pullsim-x.svg', 'foreign.txt/sub.svg', 'foreign.svg', 'folder.svg', `${long}.svg`]) add(`explain --out ${t.slice(0, 30)}`, ['explain', vacuousRun, '--out', t], 'command line', '--out');
for (const t of folderTargets) add(`run --out ${t.slice(0, 30)}`, ['run', ok, '--out', t], 'command line', '--out');
for (const t of folderTargets) add(`shrink --out ${t.slice(0, 30)}`, ['shrink', ok, '--out', t], 'command line', '--out');
mkdirSync(join(WORK, 'userscenario'));
writeFileSync(join(WORK, 'userscenario', 'scenario.json'), JSON.stringify(valid()));
add("shrink --out a folder holding the user's own scenario.json", ['shrink', ok, '--out', 'userscenario'], 'command line', '--out', 'a scenario pullsim shrink wrote');
add('run --report into a folder holding a foreign index.html', ['run', ok, '--out', 'foreigndir', '--report', '--force=false'], 'command line', '--out');
add('run --out without a value', ['run', ok, '--out'], 'command line', '--out');
for (const t of fileTargets) {
  add(`sweep --out ${t.slice(0, 30)}`, ['sweep', ok, '--seeds', '1', '--out', t], 'command line', '--out');
  add(`compare --out ${t.slice(0, 30)}`, ['compare', sweepA, sweepA, '--out', t], 'command line', '--out');
  add(`sweep-merge --out ${t.slice(0, 30)}`, ['sweep-merge', sweepA, '--out', t], 'command line', '--out');
  add(`snapshot generate --out ${t.slice(0, 30)}`, ['snapshot', 'generate', '--nodes', '8', '--out', t], 'command line', '--out');
  add(`gate --junit ${t.slice(0, 30)}`, ['gate', '--suite', join(ROOT, 'scenarios/ci'), '--junit', t], 'command line', '--junit');
  add(`explain --out ${t.slice(0, 30)}`, ['explain', vacuousRun, '--out', t], 'command line', '--out');
}

test(`the suite holds at least 300 cases, from the schema, the snapshot format, flags and output paths (${cases.length})`, () => {
  assert.ok(cases.length >= 300, `${cases.length} cases`);
  assert.ok(generated.length >= 150, `${generated.length} from the scenario schema`);
  const paths = new Set(generated.map((b) => b.path.replace(/\[\d+\]/g, '[]')));
  for (const p of ['$.protocol.batchSize', '$.links.latency.uniform[]', '$.events[].churn.rate', '$.events[].partition.groups[][]', '$.run.maxTime', '$.expect.minAorPairs', '$.name']) assert.ok(paths.has(p), `no generated case at ${p}`);
});

test('every bad input: exit 2, one line naming the file and path or flag with what was expected, nothing written, fast', async () => {
  const problems: string[] = [];
  let slowest = 0;
  let total = 0;
  let before = tree(WORK);
  for (const c of cases) {
    const r = await runInProcess(c.args, WORK);
    const after = tree(WORK);
    total += r.ms;
    slowest = Math.max(slowest, r.ms);
    const line = r.stderr.join('\n');
    const why: string[] = [];
    if (r.code !== 2) why.push(`exit ${r.code}`);
    if (r.stderr.length !== 1 || line.includes('\n')) why.push(`${r.stderr.length} stderr lines`);
    if (!line.startsWith('pullsim: ') || !line.includes('expected')) why.push('not a "pullsim: ... expected ..." line');
    for (const n of c.names) if (!line.includes(n)) why.push(`does not name ${JSON.stringify(n)}`);
    if (/\n\s+at |Error:/.test(line)) why.push('a stack trace');
    if (r.stdout.length > 0) why.push(`stdout: ${r.stdout.join(' ').slice(0, 80)}`);
    if (before.join('\n') !== after.join('\n')) why.push(`files changed: ${after.filter((x) => !before.includes(x)).concat(before.filter((x) => !after.includes(x))).join(', ').slice(0, 200)}`);
    if (r.ms > 5000) why.push(`took ${Math.round(r.ms)} ms`);
    before = after;
    if (why.length) problems.push(`${c.what} [${c.args.join(' ').slice(0, 120)}]: ${why.join('; ')}\n      ${line.slice(0, 300)}`);
  }
  assert.is(problems.length, 0, `${problems.length} of ${cases.length} cases failed:\n  ${problems.slice(0, 25).join('\n  ')}`);
  assert.ok(slowest < 5000, `slowest case ${slowest} ms`);
  console.log(`  bad-input: ${cases.length} cases, ${Math.round(total)} ms in the CLI (slowest ${Math.round(slowest)} ms)`);
});

test.after(() => rmSync(TMP, { recursive: true, force: true }));

test.run();
