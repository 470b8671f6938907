/**
 * The Discipline observer on hand-made histories: a four-node star whose links are up but whose clock never runs,
 * so the protocol does nothing and the test writes every message, arrival and store the observer is told of.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DropWatch } from '../src/check/drops.js';
import { Discipline } from '../src/check/stream/discipline.js';
import { MS } from '../src/core/units.js';
import { LIVE, MsgType, type GetRange, type Message, type OfferedHashes } from '../src/protocol/stream/messages.js';
import { loadScenario } from '../src/scenario/loader.js';
import { unmutated, withMutant } from '../src/scenario/mutants.js';
import { runScenario } from '../src/scenario/runner.js';
import type { World } from '../src/sim/world.js';
import { chunkPO, makeWorld, star, streamWorld, topologyOf } from './helpers/net.js';

/** A 32-byte address whose first two bytes are given and the rest zero. */
function addr(first: number, second = 0): Uint8Array {
  const b = new Uint8Array(32);
  b[0] = first;
  b[1] = second;
  return b;
}

const BATCH = 4;

/**
 * Hub 0 = 0x00.. with leaves 1 = 0x80.. (PO 0), 2 = 0x40.. and 3 = 0x60.. (PO 1): the hub's depth is 1, so from
 * leaf 1 it wants SYNC|0 only; each leaf (one peer) has depth 0 and wants every bin. Batch size 4.
 */
function starOfFour(onlyWithinDepth = false): { world: World; d: Discipline } {
  const world = makeWorld(topologyOf([addr(0x00), addr(0x80), addr(0x40), addr(0x60)], star(4)), 'discipline');
  const d = new Discipline(world, 2, onlyWithinDepth, BATCH);
  world.observe(d);
  world.observe(new DropWatch(d.breaches)); // drops (C8) are every protocol's: a checker of their own, one list
  world.start();
  return { world, d };
}

const getRange = (ruid: number, bin: number, from: number, to: number): GetRange => ({ type: MsgType.GetRange, ruid, bin, from, to, batchSize: BATCH });
const offered = (ruid: number, hashes: number[]): OfferedHashes => ({ type: MsgType.OfferedHashes, ruid, lastIndex: 0, hashes });

/** `n` chunks in the hub's SYNC|1 (0x40 0x01.., 0x40 0x02.., ...), stored at the hub in order: bin IDs 1..n there. */
function storedAtHub(world: World, d: Discipline, n: number): number[] {
  const chunks = Array.from({ length: n }, (_, i) => world.chunks.add(addr(0x40, i + 1)));
  chunks.forEach((c, i) => d.stored(0, c, i * MS));
  return chunks;
}

const kinds = (d: Discipline): string[] => d.breaches.list.map((b) => b.kind);

// --- range (C7) --------------------------------------------------------------------------------------------

test('a second history GetRange for the same stream while the first is unanswered is a range breach naming both requests', () => {
  const { d } = starOfFour();
  d.sent(1, 0, getRange(1, 3, 1, 10), 0, 1 * MS);
  d.sent(1, 0, getRange(2, 3, 11, 20), 0, 2 * MS);
  assert.equal(kinds(d), ['range']);
  const [b] = d.breaches.list;
  assert.equal([b!.node, b!.at], [1, 2 * MS]);
  assert.is(b!.detail, 'node 1 sent a second history GetRange for SYNC|3 of node 0 (ruid 2) while ruid 1 was unanswered');
});

test('a GetRange after the server answered the previous one with OfferedHashes is not a breach', () => {
  const { world, d } = starOfFour();
  const chunks = storedAtHub(world, d, 3);
  d.sent(1, 0, getRange(1, 1, 1, 10), 0, 1 * MS);
  d.sent(0, 1, offered(1, chunks), 0, 2 * MS);
  d.sent(1, 0, getRange(2, 1, 11, 20), 0, 3 * MS);
  assert.equal(d.breaches.list, []);
});

test('a BatchDone or a StreamState answers a GetRange as well', () => {
  const { d } = starOfFour();
  d.sent(1, 0, getRange(1, 2, 1, 10), 0, 1 * MS);
  d.sent(0, 1, { type: MsgType.BatchDone, ruid: 1, lastIndex: 10 } as Message, 0, 2 * MS);
  d.sent(1, 0, getRange(2, 2, 11, 20), 0, 3 * MS);
  d.sent(0, 1, { type: MsgType.StreamState, ruid: 2, bin: 2, live: false, code: 1 } as Message, 0, 4 * MS);
  d.sent(1, 0, getRange(3, 2, 11, 20), 0, 5 * MS);
  assert.equal(d.breaches.list, []);
});

test('a live and a history GetRange on one bin, the same bin asked of two servers, and two bins are different streams', () => {
  const { d } = starOfFour();
  d.sent(1, 0, getRange(1, 0, 1, 10), 0, 1 * MS);
  d.sent(1, 0, getRange(2, 0, 11, LIVE), 0, 1 * MS);
  d.sent(1, 0, getRange(3, 1, 1, 10), 0, 1 * MS);
  d.sent(0, 2, getRange(4, 0, 1, 10), 0, 1 * MS);
  d.sent(0, 3, getRange(5, 0, 1, 10), 0, 1 * MS);
  assert.equal(d.breaches.list, []);
  d.sent(1, 0, getRange(6, 0, 11, LIVE), 0, 2 * MS);
  assert.equal(kinds(d), ['range'], 'a second live GetRange while the first is open is one');
  assert.match(d.breaches.list[0]!.detail, 'second live GetRange for SYNC|0 of node 0 (ruid 6) while ruid 2 was unanswered');
});

test('a disconnect forgets the open requests: the first GetRange on the new connection is not a breach', () => {
  const { world, d } = starOfFour();
  d.sent(1, 0, getRange(1, 0, 1, 10), 0, 1 * MS);
  world.disconnect(0, 1);
  world.connect(0, 1);
  d.sent(1, 0, getRange(1, 0, 1, 10), 0, 2 * MS);
  assert.equal(d.breaches.list, []);
});

// --- offer (C6) --------------------------------------------------------------------------------------------

test('a full batch of hashes whose bin IDs, numbered from the stores in order, lie inside [From, To] is fine', () => {
  const { world, d } = starOfFour();
  const chunks = storedAtHub(world, d, BATCH + 1);
  d.sent(1, 0, getRange(1, 1, 2, BATCH + 1), 0, 10 * MS);
  d.sent(0, 1, offered(1, chunks.slice(1)), 0, 11 * MS);
  d.sent(1, 0, getRange(2, 1, BATCH + 1, LIVE), 0, 12 * MS);
  d.sent(0, 1, offered(2, [chunks[BATCH]!]), 0, 13 * MS);
  assert.equal(d.breaches.list, []);
});

test('an OfferedHashes with a hash whose bin ID lies past To is an offer breach naming the server, the chunk and the ID', () => {
  const { world, d } = starOfFour();
  const chunks = storedAtHub(world, d, 3);
  d.sent(1, 0, getRange(7, 1, 1, 2), 0, 10 * MS);
  d.sent(0, 1, offered(7, chunks), 0, 11 * MS);
  assert.equal(kinds(d), ['offer']);
  const [b] = d.breaches.list;
  assert.equal([b!.node, b!.chunk, b!.at], [0, chunks[2], 11 * MS]);
  assert.is(b!.detail, 'node 0 offered bin ID 3 to node 1 (ruid 7) for GetRange [1, 2]');
});

test('an offer below From, or of a chunk the server never stored, is an offer breach as well', () => {
  const { world, d } = starOfFour();
  const chunks = storedAtHub(world, d, 3);
  d.sent(1, 0, getRange(1, 1, 2, 3), 0, 10 * MS);
  d.sent(0, 1, offered(1, [chunks[0]!]), 0, 11 * MS);
  const stranger = world.chunks.add(addr(0x41, 0x77));
  d.sent(1, 0, getRange(2, 1, 1, 3), 0, 12 * MS);
  d.sent(0, 1, offered(2, [stranger]), 0, 13 * MS);
  assert.equal(d.breaches.list.map((b) => [b.kind, b.chunk]), [['offer', chunks[0]], ['offer', stranger]]);
  assert.match(d.breaches.list[1]!.detail, 'offered bin ID ? to node 1');
});

test('bin IDs are counted per node and per bin: the first chunk of another bin is ID 1 there', () => {
  const { world, d } = starOfFour();
  storedAtHub(world, d, 3);
  const other = world.chunks.add(addr(0x20, 0x01));
  assert.is(chunkPO(world, other, 0), 2);
  d.stored(0, other, 5 * MS);
  d.sent(1, 0, getRange(1, 2, 1, 1), 0, 10 * MS);
  d.sent(0, 1, offered(1, [other]), 0, 11 * MS);
  assert.equal(d.breaches.list, []);
});

test('a chunk stored again (after a removal) takes a new bin ID: offered under its old ID it is a breach', () => {
  const { world, d } = starOfFour();
  const chunks = storedAtHub(world, d, 3);
  d.stored(0, chunks[0]!, 5 * MS); // IDs now: chunks[1] 2, chunks[2] 3, chunks[0] 4
  d.sent(1, 0, getRange(1, 1, 1, 3), 0, 10 * MS);
  d.sent(0, 1, offered(1, [chunks[0]!, chunks[1]!]), 0, 11 * MS);
  assert.equal(kinds(d), ['offer']);
  assert.is(d.breaches.list[0]!.detail, 'node 0 offered bin ID 4 to node 1 (ruid 1) for GetRange [1, 3]');
  d.sent(1, 0, getRange(2, 1, 2, 4), 0, 12 * MS);
  d.sent(0, 1, offered(2, [chunks[1]!, chunks[2]!, chunks[0]!]), 0, 13 * MS);
  assert.is(d.breaches.list.length, 1, 'under its new ID, in order, it is fine');
});

test('hashes offered out of ID order are still checked by their IDs', () => {
  const { world, d } = starOfFour();
  const chunks = storedAtHub(world, d, 4);
  d.sent(1, 0, getRange(1, 1, 1, 4), 0, 10 * MS);
  d.sent(0, 1, offered(1, [chunks[3]!, chunks[0]!, chunks[2]!]), 0, 11 * MS);
  assert.equal(d.breaches.list, []);
  d.sent(1, 0, getRange(2, 1, 2, 3), 0, 12 * MS);
  d.sent(0, 1, offered(2, [chunks[2]!, chunks[0]!]), 0, 13 * MS);
  assert.equal(d.breaches.list.map((b) => b.detail), ['node 0 offered bin ID 1 to node 1 (ruid 2) for GetRange [2, 3]']);
});

test('an OfferedHashes with more hashes than the batch size is an offer breach, even when every ID is in range', () => {
  const { world, d } = starOfFour();
  const chunks = storedAtHub(world, d, BATCH + 1);
  d.sent(1, 0, getRange(3, 1, 1, 100), 0, 10 * MS);
  d.sent(0, 1, offered(3, chunks), 0, 11 * MS);
  assert.equal(kinds(d), ['offer']);
  assert.is(d.breaches.list[0]!.detail, 'node 0 offered 5 hashes (ruid 3) to node 1, more than the batch size 4');
});

// --- exclusion (C3) ----------------------------------------------------------------------------------------

test('the hub (depth 1) storing a chunk of SYNC|15 delivered by leaf 1 at PO 0 is an exclusion; one of SYNC|0 is not', () => {
  const { world, d } = starOfFour();
  const far = world.chunks.add(addr(0x80, 0x01));
  const near = world.chunks.add(addr(0x01));
  assert.equal([chunkPO(world, far, 1), chunkPO(world, near, 1)], [15, 0]);
  d.arrived(0, near, 1, 9);
  d.stored(0, near, 1 * MS);
  assert.equal(d.breaches.list, []);
  d.arrived(0, far, 1, 10);
  d.stored(0, far, 2 * MS);
  assert.equal(d.breaches.list.map((b) => [b.kind, b.node, b.chunk, b.at]), [['exclusion', 0, far, 2 * MS]]);
  assert.is(d.breaches.list[0]!.detail, 'node 0 (depth 1) stored a chunk of SYNC|15 from node 1 (PO 0), a stream it does not want');
});

test('the same delivery is wanted once the hub has lost a peer and its depth fell to 0', () => {
  const { world, d } = starOfFour();
  world.disconnect(0, 3);
  const far = world.chunks.add(addr(0x80, 0x01));
  d.arrived(0, far, 1, 10);
  d.stored(0, far, 2 * MS);
  assert.equal(d.breaches.list, []);
});

test('a store that is not a delivery being dispatched (an upload) is never an exclusion', () => {
  const { world, d } = starOfFour();
  const far = world.chunks.add(addr(0x80, 0x01));
  d.stored(0, far, 1 * MS);
  d.arrived(2, far, 0, 4);
  d.stored(0, world.chunks.add(addr(0x80, 0x02)), 2 * MS);
  assert.equal(d.breaches.list, []);
});

test('with syncWithinDepthOnly, any delivery from a peer outside depth is an exclusion, even of SYNC|0', () => {
  const { world, d } = starOfFour(true);
  const near = world.chunks.add(addr(0x01));
  d.arrived(0, near, 1, 9);
  d.stored(0, near, 1 * MS);
  assert.equal(kinds(d), ['exclusion']);
});

// --- drop (C8) ----------------------------------------------------------------------------------------------

test('a disconnect by the scenario or by a node stop is not a drop', () => {
  const { world, d } = starOfFour();
  world.disconnect(0, 1);
  world.stop(2);
  assert.is(world.linkCount(), 1);
  assert.equal(d.breaches.list, []);
});

test("a protocol Break (a WantedHashes for an offer the hub never made) is a drop naming both nodes and the reason", () => {
  const { world, d } = starOfFour();
  streamWorld(world).nodes[0]!.receive(3, { type: MsgType.WantedHashes, ruid: 99, bits: new Uint8Array(1) });
  assert.not.ok(world.isLinked(0, 3), 'the hub dropped leaf 3');
  assert.equal(d.breaches.list.map((b) => [b.kind, b.node, b.detail]), [['drop', 0, 'nodes 0 and 3 dropped: WantedHashes: ruid not found']]);
});

// --- on real runs ----------------------------------------------------------------------------------------------

function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return dir;
}

const cases: [string, string, 'range' | 'offer' | 'exclusion' | 'drop'][] = [
  ['2107', 'mutants/leaf-oscillation.json', 'range'],
  ['B1', 'mutants/window-removal.json', 'offer'],
  ['1952', 'mutants/leaf-oscillation.json', 'exclusion'],
  ['2095', 'mutants/leaf-oscillation.json', 'drop'],
];
for (const [mutant, file, kind] of cases) {
  test(`on ${file}, mutant ${mutant} breaches the ${kind} discipline and the unmutated protocol breaches nothing`, () => {
    const { scenario, topology } = loadScenario(join(repoRoot(), 'scenarios', file));
    const clean = runScenario(unmutated(scenario), topology, { seed: 1 });
    assert.equal(clean.checks.breaches, {});
    const mutated = runScenario(withMutant(scenario, mutant), topology, { seed: 1 });
    assert.ok(mutated.checks.breaches[kind]! > 0, JSON.stringify(mutated.checks.breaches));
    assert.ok(mutated.verdict.violations.some((v) => v.kind === kind));
  });
}

test.run();
