import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Recorder } from '../src/check/checker.js';
import { Breaches } from '../src/check/properties.js';
import { judge, observedDepths, type Verdict, type VerdictOptions } from '../src/check/verdict.js';
import { MS, SECOND } from '../src/core/units.js';
import { buildResult, configHash } from '../src/report/result.js';
import { loadScenario } from '../src/scenario/loader.js';
import { runScenario } from '../src/scenario/runner.js';
import type { World } from '../src/sim/world.js';
import { chunkPO, chunkPO256, makeWorld, star, topologyOf } from './helpers/net.js';

/** A 32-byte address whose first two bytes are given and the rest zero. */
function addr(first: number, second = 0): Uint8Array {
  const b = new Uint8Array(32);
  b[0] = first;
  b[1] = second;
  return b;
}

/**
 * Four nodes, node 0 the hub of a star: 0 = 0x00.., 1 = 0x80.., 2 = 0x40.., 3 = 0x60...
 * The hub's peers lie at PO 0, 1, 1, so its depth is 1 (NeighbourhoodSize 2); the leaves, with one peer each, have
 * depth 0. Links are up, but no event ever runs: the protocol does nothing, the test writes the history.
 */
function starOfFour(): { world: World; rec: Recorder } {
  const world = makeWorld(topologyOf([addr(0x00), addr(0x80), addr(0x40), addr(0x60)], star(4)), 'checker');
  world.start();
  return { world, rec: new Recorder(world) };
}

/** A chunk at 0x8001..: PO 0 to the hub (outside its depth 1), inside every leaf's depth 0. */
const chunkNearNode1 = (world: World): number => world.chunks.add(addr(0x80, 0x01));

/** The chunk is uploaded at `node` at time 0 (the world reports the upload, then the store). */
function upload(rec: Recorder, node: number, chunk: number): void {
  rec.uploaded(node, chunk, 0);
  rec.stored(node, chunk, 0);
}

/** A ChunkDelivery from `from` (request `ruid`) reaches `node`, which stores the chunk (the world's order). */
function deliver(rec: Recorder, node: number, chunk: number, from: number, ruid: number, t: number): void {
  rec.arrived(node, chunk, from, ruid, t);
  rec.stored(node, chunk, t);
}

function verdict(world: World, rec: Recorder, o: Partial<VerdictOptions> = {}): Verdict {
  const options: VerdictOptions = { quiescent: true, maxTime: 3600 * SECOND, maxDuplicates: 0, maxDrops: 0, neighbourhoodSize: 2, ...o };
  return judge(world, rec, new Breaches(), { thresholds: (w) => observedDepths(w, 2) }, options);
}

const kinds = (v: Verdict): string[] => v.violations.map((x) => x.kind);

test('the hand-made star has the depths its links imply: 1 at the hub, 0 at the leaves', () => {
  const { world, rec } = starOfFour();
  assert.equal(verdict(world, rec).depths, [1, 0, 0, 0]);
  assert.equal(world.links(), [[0, 1], [0, 2], [0, 3]]);
});

test('a leaf in the area of responsibility that lacks the chunk is a missing violation naming that node and chunk', () => {
  const { world, rec } = starOfFour();
  const c = chunkNearNode1(world);
  upload(rec, 1, c);
  deliver(rec, 2, c, 0, 7, 5 * MS);
  const v = verdict(world, rec);
  assert.not.ok(v.pass);
  assert.equal(kinds(v), ['missing']);
  const [missing] = v.violations;
  assert.is(missing!.node, 3);
  assert.is(missing!.chunk, c);
  assert.match(missing!.detail, `depth 0, PO ${chunkPO256(world, c, 3)}`);
  assert.is(v.aorPairs, 3, 'nodes 1, 2 and 3 are responsible for the chunk');
  assert.is(v.aorHeld, 2);
});

test('the hub, whose depth 1 is above its PO 0 to the chunk, may lack it: every leaf holds it and the run passes', () => {
  const { world, rec } = starOfFour();
  const c = chunkNearNode1(world);
  assert.is(chunkPO256(world, c, 0), 0);
  upload(rec, 1, c);
  deliver(rec, 2, c, 0, 7, 5 * MS);
  deliver(rec, 3, c, 0, 8, 6 * MS);
  const v = verdict(world, rec);
  assert.ok(v.pass, JSON.stringify(v.violations));
  assert.equal(v.violations, []);
  assert.is(v.convergenceMicros, 6 * MS, 'converged when the last responsible node stored it');
  assert.equal(Array.from(v.chunks[0]!.holders), [1, 2, 3]);
});

test('a second delivery of a chunk the node already holds is a duplicate naming both deliveries, their peers and bins', () => {
  const { world, rec } = starOfFour();
  const c = chunkNearNode1(world);
  upload(rec, 1, c);
  deliver(rec, 2, c, 1, 11, 1 * MS);
  rec.arrived(2, c, 3, 22, 2 * MS);
  deliver(rec, 3, c, 0, 33, 3 * MS);
  assert.is(rec.duplicateCount, 1);
  const d = rec.duplicates[0]!;
  assert.equal([d.node, d.chunk, d.at, d.first?.from, d.second.from], [2, c, 2 * MS, 1, 3]);
  const firstBin = chunkPO(world, c, 1);
  const secondBin = chunkPO(world, c, 3);
  assert.equal([firstBin, secondBin], [15, 0], 'the chunk 0x8001 lies in bin 15 of node 1 (0x8000) and bin 0 of node 3');
  const v = verdict(world, rec);
  assert.not.ok(v.pass);
  assert.equal(kinds(v), ['duplicate']);
  const dup = v.violations[0]!;
  assert.equal([dup.node, dup.chunk, dup.at], [2, c, 2 * MS]);
  assert.is(dup.detail, `again from node 3 (SYNC|${secondBin}, ruid 22); first from node 1 (SYNC|${firstBin}, ruid 11) at 1ms`);
});

test('a chunk carried twice in one ChunkDelivery is a duplicate, though the node stored neither copy yet', () => {
  const { world, rec } = starOfFour();
  const c = chunkNearNode1(world);
  const other = world.chunks.add(new Uint8Array(32).fill(0x11));
  upload(rec, 1, c);
  // one message [c, other, c] reaches node 2, reported chunk by chunk before the node stores anything
  rec.arrived(2, c, 1, 11, 1 * MS, 0);
  rec.arrived(2, other, 1, 11, 1 * MS, 1);
  rec.arrived(2, c, 1, 11, 1 * MS, 2);
  rec.stored(2, c, 1 * MS);
  rec.stored(2, other, 1 * MS);
  assert.is(rec.duplicateCount, 1);
  const d = rec.duplicates[0]!;
  assert.equal([d.node, d.chunk, d.first?.from, d.first?.ruid, d.second.ruid], [2, c, 1, 11, 11]);
  // the same chunks in the next message (a new index 0) are duplicates because they are held now
  rec.arrived(2, other, 3, 12, 2 * MS, 0);
  assert.is(rec.duplicateCount, 2);
});

test('a delivery to the node the chunk was uploaded at is a duplicate whose first copy came by upload', () => {
  const { world, rec } = starOfFour();
  const c = chunkNearNode1(world);
  upload(rec, 1, c);
  rec.arrived(1, c, 0, 5, 4 * MS);
  const v = verdict(world, rec);
  const dup = v.violations.find((x) => x.kind === 'duplicate')!;
  assert.is(dup.node, 1);
  assert.match(dup.detail, /first by upload$/);
});

test('duplicates within maxDuplicates pass, and are still listed', () => {
  const { world, rec } = starOfFour();
  const c = chunkNearNode1(world);
  upload(rec, 1, c);
  deliver(rec, 2, c, 0, 1, 1 * MS);
  rec.arrived(2, c, 0, 2, 2 * MS);
  deliver(rec, 3, c, 0, 3, 1 * MS);
  const tolerated = verdict(world, rec, { maxDuplicates: 1 });
  assert.ok(tolerated.pass);
  assert.equal(kinds(tolerated), ['duplicate']);
  assert.is(tolerated.duplicates, 1);
  assert.not.ok(verdict(world, rec, { maxDuplicates: 0 }).pass, 'one more than allowed fails');
});

test('a chunk removed from a node is not expected at that node any more', () => {
  const { world, rec } = starOfFour();
  const c = chunkNearNode1(world);
  upload(rec, 1, c);
  deliver(rec, 2, c, 0, 1, 1 * MS);
  deliver(rec, 3, c, 0, 2, 1 * MS);
  rec.removed(3, c);
  const v = verdict(world, rec);
  assert.ok(v.pass, JSON.stringify(v.violations));
  assert.is(v.aorPairs, 2, 'node 3 left the count of responsible nodes');
  assert.equal(Array.from(v.chunks[0]!.holders), [1, 2]);
});

test('a chunk removed from every node that held it is expected nowhere', () => {
  const { world, rec } = starOfFour();
  const c = chunkNearNode1(world);
  upload(rec, 1, c);
  rec.removed(1, c);
  const v = verdict(world, rec);
  assert.ok(v.pass, JSON.stringify(v.violations));
  assert.is(v.aorPairs, 0);
});

test('a run that is not quiescent is a liveness violation naming the pending events and the missing pairs', () => {
  const { world, rec } = starOfFour();
  const c = chunkNearNode1(world);
  upload(rec, 1, c);
  const pending = world.engine.queue.size;
  assert.ok(pending > 0, 'the links coming up scheduled protocol work that never ran');
  const v = verdict(world, rec, { quiescent: false, maxTime: 90 * SECOND });
  assert.not.ok(v.pass);
  const live = v.violations.find((x) => x.kind === 'liveness');
  assert.ok(live, JSON.stringify(v.violations));
  assert.is(live!.detail, `not quiescent at maxTime 1.5m: ${pending} events pending, 2 (chunk, AoR node) pairs missing`);
});

test('the checker takes depths from the live links: when the hub loses a peer its depth falls to 0 and it must hold the chunk', () => {
  const { world, rec } = starOfFour();
  const c = chunkNearNode1(world);
  upload(rec, 1, c);
  deliver(rec, 2, c, 0, 1, 1 * MS);
  deliver(rec, 3, c, 0, 2, 1 * MS);
  assert.ok(verdict(world, rec).pass, 'with three peers the hub (depth 1) is not responsible');
  world.disconnect(0, 1);
  const v = verdict(world, rec);
  assert.is(v.depths[0], 0, 'two peers left, no more than NeighbourhoodSize: depth 0');
  assert.not.ok(v.pass);
  assert.equal(v.violations.map((x) => [x.kind, x.node]), [['missing', 0]]);
});

test("the checker ignores the nodes' own Kademlia tables: a fake peer moves the hub's depth there, not the verdict", () => {
  const { world, rec } = starOfFour();
  const c = chunkNearNode1(world);
  upload(rec, 1, c);
  deliver(rec, 2, c, 0, 1, 1 * MS);
  deliver(rec, 3, c, 0, 2, 1 * MS);
  world.disconnect(0, 1);
  assert.is(world.nodes[0]!.kad.depth, 0);
  world.fakePeer(0, 0, true);
  assert.is(world.nodes[0]!.kad.depth, 1, 'the hub itself now believes it has depth 1');
  const v = verdict(world, rec);
  assert.is(v.depths[0], 0, 'the checker still counts two live links');
  assert.equal(v.violations.map((x) => [x.kind, x.node]), [['missing', 0]]);
});

let dir = '';
test.before(() => {
  dir = mkdtempSync(join(tmpdir(), 'pullsim-checker-'));
});
test.after(() => {
  if (dir && existsSync(dir)) rmSync(dir, { recursive: true, force: true });
});

test('one scenario run twice on one seed gives the same fingerprint and the same result.json, wall time aside', () => {
  const file = join(dir, 'twice.json');
  const scenario = {
    pullsim: 1,
    name: 'twice',
    topology: { generate: { nodes: 16, shape: 'hive' } },
    links: { latency: { uniform: ['5ms', '50ms'] } },
    events: [
      { at: '0s', upload: { node: 'random', chunks: 60 } },
      { at: '2s', stop: { node: 3 } },
      { at: '3s', upload: { node: 'random', chunks: 20 } },
      { at: '5s', start: { node: 3 } },
    ],
    expect: { maxDuplicates: 1000 },
  };
  writeFileSync(file, JSON.stringify(scenario));
  const texts = [0, 1].map(() => {
    const { scenario: s, topology } = loadScenario(file);
    const o = runScenario(s, topology, { seed: 9, wallClock: () => performance.now() });
    const r = buildResult(o, file, configHash(s, topology));
    return { fingerprint: o.fingerprint, events: r.metrics.events, text: JSON.stringify({ ...r, metrics: { ...r.metrics, wallMs: 0 } }) };
  });
  assert.match(texts[0]!.fingerprint, /^[0-9a-f]{16}$/);
  assert.ok(texts[0]!.events > 1000, `a real run: ${texts[0]!.events} events`);
  assert.is(texts[1]!.fingerprint, texts[0]!.fingerprint);
  assert.ok(texts[1]!.text === texts[0]!.text, 'result.json differs between the two runs');
});

test.run();
