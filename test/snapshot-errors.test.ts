import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadSnapshot, parseSnapshot } from '../src/topology/snapshot.js';
import { snapshotJson, writeJsonAtomic } from '../src/topology/write.js';
import { generateTopology } from '../src/topology/generate.js';
import { adjacency, type Topology } from '../src/topology/topology.js';
import { po256 } from '../src/topology/address.js';
import { depthFromPOs } from '../src/topology/depth.js';
import { UsageError } from '../src/core/errors.js';
import { usageError } from './helpers/process.js';

type Json = Record<string, unknown>;

/** A 64-hex id whose first byte is `b` and the rest `fill`. */
const id = (b: number, fill = '00'): string => b.toString(16).padStart(2, '0') + fill.repeat(31);
const bzz = (hex: string): string => Buffer.from(hex, 'hex').toString('base64');

/** A valid three-node triangle in the go-ethereum snapshot format. */
function validSnapshot(): { nodes: Json[]; conns: Json[] } {
  const ids = [id(0x10), id(0x80), id(0xc0)];
  return {
    nodes: ids.map((x) => ({ node: { info: { id: x, protocols: { bzz: bzz(x), hive: '' } }, up: true } })),
    conns: [
      { one: ids[0], other: ids[1], up: true },
      { one: ids[1], other: ids[2], up: true },
      { one: ids[0], other: ids[2], up: true },
    ],
  };
}


/** The message is one line naming the file, the JSON path and what was expected. */
function assertNames(e: UsageError, file: string, path: string, expected: RegExp): void {
  assert.not.match(e.message, /\n/, `one line: ${e.message}`);
  assert.is(e.file, file);
  assert.is(e.path, path, e.message);
  assert.ok(e.message.startsWith(`${file}: ${path}: expected `), e.message);
  assert.match(e.expected, expected, e.message);
}

let dir = '';
test.before(() => {
  dir = mkdtempSync(join(tmpdir(), 'pullsim-snapshot-errors-'));
});
test.after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Writes `text` to a fresh file in the temp dir and loads it; returns the error and the file name. */
function loadBad(name: string, text: string): { e: UsageError; file: string } {
  const file = join(dir, name);
  writeFileSync(file, text);
  return { e: usageError(() => loadSnapshot(file)), file };
}

const loadBadJson = (name: string, mutate: (s: { nodes: Json[]; conns: Json[] }) => unknown): { e: UsageError; file: string } => {
  const s = validSnapshot();
  const replaced = mutate(s);
  return loadBad(name, JSON.stringify(replaced ?? s));
};

test('the valid base snapshot loads: three nodes, three connections', () => {
  const t = parseSnapshot(validSnapshot(), 'base.json');
  assert.is(t.ids.length, 3);
  assert.equal(t.conns, [[0, 1], [1, 2], [0, 2]]);
  assert.is(t.source, 'base.json');
});

test('a missing file names the file', () => {
  const file = join(dir, 'does-not-exist.json');
  assertNames(usageError(() => loadSnapshot(file)), file, '$', /a snapshot file/);
});

test('invalid JSON names the file and says valid JSON was expected, on one line', () => {
  const { e, file } = loadBad('invalid.json', '{"nodes": [\n  {"node": \n');
  assertNames(e, file, '$', /valid JSON/);
});

test('a top level that is not an object is rejected', () => {
  const { e, file } = loadBad('array.json', '[]');
  assertNames(e, file, '$', /object/);
});

test('a snapshot without nodes names $.nodes', () => {
  const { e, file } = loadBadJson('no-nodes.json', (s) => ({ conns: s.conns }));
  assertNames(e, file, '$.nodes', /array of nodes/);
});

test('a snapshot without conns names $.conns', () => {
  const { e, file } = loadBadJson('no-conns.json', (s) => ({ nodes: s.nodes }));
  assertNames(e, file, '$.conns', /array of connections/);
});

test('conns that is not an array names $.conns', () => {
  const { e, file } = loadBadJson('conns-object.json', (s) => ({ nodes: s.nodes, conns: { one: 'x' } }));
  assertNames(e, file, '$.conns', /array of connections/);
});

test('a node entry without node or without info names the node', () => {
  const a = loadBadJson('no-node.json', (s) => void (s.nodes[1] = { up: true }));
  assertNames(a.e, a.file, '$.nodes[1].node', /object/);
  const b = loadBadJson('no-info.json', (s) => void (s.nodes[2] = { node: { name: 'x' } }));
  assertNames(b.e, b.file, '$.nodes[2].node.info', /object/);
});

test('a node id that is not hex names the id and says 64 hex digits were expected', () => {
  const { e, file } = loadBadJson('non-hex.json', (s) => void (((s.nodes[1]!.node as Json).info as Json).id = 'zz' + '00'.repeat(31)));
  assertNames(e, file, '$.nodes[1].node.info.id', /64-hex/);
  assert.match(e.message, /got "zz00/);
});

test('a node id of the wrong length names the id', () => {
  const short = loadBadJson('short-id.json', (s) => void (((s.nodes[0]!.node as Json).info as Json).id = 'abcd'));
  assertNames(short.e, short.file, '$.nodes[0].node.info.id', /64-hex/);
  const long = loadBadJson('long-id.json', (s) => void (((s.nodes[0]!.node as Json).info as Json).id = id(0x10) + '00'));
  assertNames(long.e, long.file, '$.nodes[0].node.info.id', /64-hex/);
  const numeric = loadBadJson('numeric-id.json', (s) => void (((s.nodes[0]!.node as Json).info as Json).id = 12));
  assertNames(numeric.e, numeric.file, '$.nodes[0].node.info.id', /64-hex/);
});

test('a bzz address that is not base64 of 32 bytes names protocols.bzz', () => {
  const setBzz = (v: unknown) => (s: { nodes: Json[] }) => void ((((s.nodes[1]!.node as Json).info as Json).protocols as Json).bzz = v);
  const notBase64 = loadBadJson('bzz-garbage.json', setBzz('not base64!'));
  assertNames(notBase64.e, notBase64.file, '$.nodes[1].node.info.protocols.bzz', /base64 of a 32-byte/);
  const short = loadBadJson('bzz-short.json', setBzz(Buffer.alloc(31).toString('base64')));
  assertNames(short.e, short.file, '$.nodes[1].node.info.protocols.bzz', /32-byte/);
  const num = loadBadJson('bzz-number.json', setBzz(7));
  assertNames(num.e, num.file, '$.nodes[1].node.info.protocols.bzz', /32-byte/);
});

test('a duplicate node id names the second node and the first one', () => {
  const { e, file } = loadBadJson('dup-id.json', (s) => void (s.nodes[2] = s.nodes[0]));
  assertNames(e, file, '$.nodes[2].node.info.id', /unique id/);
  assert.match(e.expected, /\$\.nodes\[0\]/);
});

test('the same id in another letter case is still a duplicate', () => {
  const { e, file } = loadBadJson('dup-id-case.json', (s) => {
    const upper = id(0x10, 'ab').toUpperCase();
    const info = (s.nodes[0]!.node as Json).info as Json;
    info.id = id(0x10, 'ab');
    info.protocols = {};
    s.nodes[2] = { node: { info: { id: upper } } };
    s.conns = [];
  });
  assertNames(e, file, '$.nodes[2].node.info.id', /unique id/);
});

test('a connection to a node that is not in nodes names the end', () => {
  const { e, file } = loadBadJson('unknown-end.json', (s) => void (s.conns[1]!.other = id(0x42)));
  assertNames(e, file, '$.conns[1].other', /id of a node in \$\.nodes/);
  const bad = loadBadJson('bad-end.json', (s) => void (s.conns[0]!.one = 'nope'));
  assertNames(bad.e, bad.file, '$.conns[0].one', /64-hex/);
});

test('a self-loop names the connection', () => {
  const { e, file } = loadBadJson('self-loop.json', (s) => void (s.conns[2]!.other = s.conns[2]!.one));
  assertNames(e, file, '$.conns[2]', /two different nodes/);
});

test('a duplicate connection is rejected whichever way round it is written', () => {
  const same = loadBadJson('dup-conn.json', (s) => void s.conns.push({ ...s.conns[0]! }));
  assertNames(same.e, same.file, '$.conns[3]', /each connection once/);
  const swapped = loadBadJson('dup-conn-swapped.json', (s) => void s.conns.splice(1, 0, { one: s.conns[0]!.other, other: s.conns[0]!.one, up: true }));
  assertNames(swapped.e, swapped.file, '$.conns[1]', /each connection once/);
});

test('an up flag that is not a boolean names it, for a connection and for a node', () => {
  const conn = loadBadJson('conn-up.json', (s) => void (s.conns[1]!.up = 'yes'));
  assertNames(conn.e, conn.file, '$.conns[1].up', /boolean/);
  assert.match(conn.e.message, /got "yes"/);
  const entry = loadBadJson('entry-up.json', (s) => void (s.nodes[0]!.up = 1));
  assertNames(entry.e, entry.file, '$.nodes[0].up', /boolean/);
  // the go-ethereum format (and snapshotJson) put the node's up flag inside `node`
  const node = loadBadJson('node-up.json', (s) => void ((s.nodes[2]!.node as Json).up = 'no'));
  assertNames(node.e, node.file, '$.nodes[2].node.up', /boolean/);
});

test('parseSnapshot reports in-memory problems under the name it is given', () => {
  const e = usageError(() => parseSnapshot({ nodes: 'x', conns: [] }, 'scenario.json#topology'));
  assertNames(e, 'scenario.json#topology', '$.nodes', /array/);
});

test('a long bad value is shortened in the message', () => {
  const e = usageError(() => parseSnapshot({ nodes: [{ node: { info: { id: 'x'.repeat(500) } } }], conns: [] }, 'f.json'));
  assert.ok(e.message.length < 200, e.message);
  assert.match(e.message, /\.\.\.$/);
});

/** `DEPTH: n` of a hive printout. */
const hiveDepth = (hive: string): number => Number(/DEPTH: (\d+)/.exec(hive)![1]);

/** The depth of every node from its connected peers (PO256, NeighbourhoodSize 2). */
function depths(t: Topology): number[] {
  const adj = adjacency(t);
  return adj.map((peers, i) => depthFromPOs(peers.map((p) => po256(t.addrs, i, t.addrs, p)), 2));
}

function hives(json: unknown): string[] {
  return (json as { nodes: { node: { info: { protocols: { hive: string } } } }[] }).nodes.map((n) => n.node.info.protocols.hive);
}

function assertRoundTrip(t: Topology, back: Topology): void {
  assert.equal(back.ids, t.ids);
  assert.equal(back.conns, t.conns);
  assert.equal(back.up, t.up);
  for (let i = 0; i < t.ids.length; i++) assert.equal(back.addrs.bytes(i), t.addrs.bytes(i), `address of node ${i}`);
}

test('a generated topology written with snapshotJson parses back to the same ids and connections, and every hive DEPTH is the computed depth', () => {
  for (const [n, seed] of [[2, 'a'], [16, 'b'], [200, 'c']] as const) {
    const t = generateTopology(n, seed);
    const json = snapshotJson(t);
    const back = parseSnapshot(JSON.parse(JSON.stringify(json)), 'roundtrip.json');
    assertRoundTrip(t, back);
    assert.equal(hives(json).map(hiveDepth), depths(t), `${n} nodes`);
  }
});

test('a snapshot written to a file and loaded back is the same topology', () => {
  const t = generateTopology(64, 'file');
  const file = join(dir, 'written.json');
  writeJsonAtomic(file, snapshotJson(t));
  assertRoundTrip(t, loadSnapshot(file));
  assert.not.ok(existsSync(`${file}.tmp-${process.pid}`), 'no temporary file is left behind');
});

test('a hive printout for a node of depth 16 or more still carries its DEPTH line', () => {
  // node 0 = all zeros; one peer at each PO 0..15 and two at PO 17 -> radius 17, first empty bin 16 -> depth 16
  const pos = [...Array.from({ length: 16 }, (_, i) => i), 17, 17];
  const hexAt = (po: number, low: number): string => {
    const b = Buffer.alloc(32);
    b[po >> 3] = 0x80 >> (po & 7);
    b[31] |= low;
    return b.toString('hex');
  };
  const ids = [id(0, '00'), ...pos.map((po, i) => hexAt(po, i === 17 ? 1 : 0))];
  const t = parseSnapshot({ nodes: ids.map((x) => ({ node: { info: { id: x } } })), conns: ids.slice(1).map((x) => ({ one: ids[0], other: x })) }, 'deep.json');
  assert.is(depths(t)[0], 16);
  const json = snapshotJson(t);
  assert.is(hiveDepth(hives(json)[0]!), 16);
  assertRoundTrip(t, parseSnapshot(JSON.parse(JSON.stringify(json)), 'deep-back.json'));
});

const REAL = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'shared', 'snapshots', 'swarm-stream', 'snapshot_64.json');
(existsSync(REAL) ? test : test.skip)('a real snapshot rewritten with snapshotJson keeps its ids, connections and hive depths', () => {
  const t = loadSnapshot(REAL);
  const json = snapshotJson(t);
  assertRoundTrip(t, parseSnapshot(JSON.parse(JSON.stringify(json)), 'real-back.json'));
  assert.equal(hives(json).map(hiveDepth), depths(t));
});

test.run();
