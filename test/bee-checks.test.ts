/**
 * Bee's checker properties on hand-made histories: the checks see only what the world reports (stores, removals
 * with their cause, arrivals, messages on the wire, announced states), never a node. Node 0 is 0x00..; a chunk
 * whose first byte is 0x80 >> p lies at PO p from it.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checks, type BeeCheckParams } from '../src/check/bee/checks.js';
import { PairIndex } from '../src/check/pairs.js';
import { Breaches, type ProtocolChecks } from '../src/check/properties.js';
import type { CheckWorld } from '../src/check/view.js';
import { Int32Arena } from '../src/core/arena.js';
import { SECOND } from '../src/core/units.js';
import { BeeMsg, StreamKind, type BeeMessage } from '../src/protocol/bee/messages.js';
import type { WorldObserver } from '../src/sim/observer.js';
import { AddressTable } from '../src/topology/address.js';

const MIN = 60 * SECOND;
const WINDOW = 15 * MIN;

function addr(first: number, second = 0): Uint8Array {
  const b = new Uint8Array(32);
  b[0] = first;
  b[1] = second;
  return b;
}

interface Setup {
  world: CheckWorld;
  breaches: Breaches;
  props: ProtocolChecks;
  o: WorldObserver;
  /** a new chunk at PO `po` from node 0 (salted so chunks differ), in `batch` */
  chunk(po: number, batch?: number): number;
}

function setup(p: Partial<BeeCheckParams> = {}): Setup {
  const addrs = new AddressTable(4);
  addrs.add(addr(0x00));
  addrs.add(addr(0xff));
  const chunks = new AddressTable(16);
  const batches: number[] = [];
  const world: CheckWorld = {
    nodes: { length: 2 },
    arena: new Int32Arena(),
    topology: { addrs, ids: ['00', 'ff'] },
    chunks,
    batchOf: (c) => batches[c] ?? 0,
    up: [true, true],
    now: 0,
    links: () => [],
    engine: { queue: { size: 0 } },
  };
  const breaches = new Breaches();
  const params: BeeCheckParams = { capacity: 4, minimumRadius: 0, networkRadius: 0, histRateWindow: WINDOW, maxOutOfRadius: null, ...p };
  const props = checks.create({ world, params, pairs: new PairIndex(2, world.arena), breaches });
  let salt = 1;
  return {
    world,
    breaches,
    props,
    o: props.observers[0]!,
    chunk: (po, batch = 0) => {
      batches.push(batch);
      return chunks.add(addr(0x80 >> po, salt++));
    },
  };
}

const kinds = (b: Breaches) => b.list.map((x) => x.kind);

test("each node's threshold is the radius it announced last; a node that announced none has 0", () => {
  const { o, props, world, breaches } = setup({ networkRadius: 3 });
  assert.equal(props.thresholds(world), [0, 0]);
  o.stateChanged!(0, 'radius', 3, 'warmup', 1);
  assert.equal(props.thresholds(world), [3, 0]);
  o.stateChanged!(0, 'expired', 5, 'expiry', 2);
  assert.equal(props.thresholds(world), [3, 0], 'other states do not move the radius');
  assert.equal(kinds(breaches), []);
});

test('a radius raised by an overflow while the reserve the checker saw is within capacity is a breach', () => {
  const { o, breaches, chunk } = setup({ capacity: 2 });
  o.stored!(0, chunk(3), 1);
  o.stored!(0, chunk(4), 2);
  o.stateChanged!(0, 'radius', 1, 'overflow', 3);
  assert.equal(kinds(breaches), ['radius']);
  assert.match(breaches.list[0]!.detail, 'lists 2 chunks, not more than the capacity 2');
});

test('an overflow past capacity with nothing left below the old radius follows the rule; with a chunk below it, it does not', () => {
  const { o, breaches, chunk } = setup({ capacity: 2 });
  for (const po of [3, 4, 5]) o.stored!(0, chunk(po), 1);
  o.stateChanged!(0, 'radius', 1, 'overflow', 2);
  assert.equal(kinds(breaches), [], 'three listed, none below radius 0');
  o.stored!(0, chunk(0), 3);
  o.stateChanged!(0, 'radius', 2, 'overflow', 4);
  assert.equal(kinds(breaches), ['radius'], 'the chunk at PO 0 was to be evicted first');
  assert.match(breaches.list[0]!.detail, '1 chunks are still listed below the old radius');
});

test('an eviction takes a chunk out of the reserve the rule reads; a lost chunk stays listed until it is removed', () => {
  const { o, breaches, chunk, props } = setup({ capacity: 2 });
  const below = chunk(0);
  for (const c of [below, chunk(3), chunk(4)]) o.stored!(0, c, 1);
  o.stateChanged!(0, 'radius', 1, 'overflow', 2);
  o.removed!(0, below, 3, 'lost');
  o.stateChanged!(0, 'radius', 2, 'overflow', 4);
  assert.equal(kinds(breaches), ['radius'], 'the lost chunk is still listed below radius 1');
  o.removed!(0, below, 5, 'evicted');
  o.stored!(0, chunk(5), 6);
  o.stateChanged!(0, 'radius', 3, 'overflow', 7);
  assert.equal(kinds(breaches), ['radius'], 'no new breach once it left the index');
  assert.is(props.metrics().evicted, 1);
});

test('a chunk stored while the reserve lists it is stored twice; after its removal it may come back', () => {
  const { o, breaches, chunk } = setup();
  const c = chunk(2);
  o.stored!(0, c, 1);
  o.stored!(1, c, 1);
  assert.equal(kinds(breaches), [], 'one store at each node');
  o.stored!(0, c, 2);
  assert.equal(kinds(breaches), ['stored-twice']);
  o.removed!(0, c, 3, 'evicted');
  o.stored!(0, c, 4);
  assert.equal(kinds(breaches), ['stored-twice'], 'a store after the eviction is a new one');
});

test('a radius lowered while fewer than half the capacity are within it follows the rule; at half or more it does not', () => {
  const { o, breaches, chunk } = setup({ capacity: 4 });
  o.stored!(0, chunk(3), 1);
  o.stored!(0, chunk(2), 1);
  o.stateChanged!(0, 'radius', 3, 'overflow', 2);
  breaches.list.length = 0;
  o.stateChanged!(0, 'radius', 2, 'idle', 3 * WINDOW);
  assert.equal(kinds(breaches), [], 'one chunk within radius 3, under 2');
  o.stateChanged!(0, 'radius', 1, 'idle', 4 * WINDOW);
  assert.equal(kinds(breaches), ['radius'], 'two within radius 2: not under half of 4');
});

/** Peer 1's answer to node 0's cursor request. */
const ack = (cursors: number[]): BeeMessage => ({ type: BeeMsg.Ack, stream: 1, cursors, epoch: 1 });

/** Node 0 syncs bin `bin` of peer 1 historically: an exchange on stream `s` that delivers `chunks`, at `t`. */
function historicalRound(o: WorldObserver, s: number, bin: number, start: number, chunks: number[], t: number): void {
  const send = (from: number, to: number, m: BeeMessage) => o.sent!(from, to, m, 0, t);
  send(0, 1, { type: BeeMsg.Open, stream: s, kind: StreamKind.Pullsync });
  send(0, 1, { type: BeeMsg.Get, stream: s, bin, start });
  if (chunks.length === 0) return;
  const bits = new Uint8Array(1);
  chunks.forEach((_, i) => (bits[0]! |= 1 << i));
  send(0, 1, { type: BeeMsg.Want, stream: s, bits });
  for (const c of chunks) o.arrived!(0, c, 1, s, t, 0);
}

test('a radius lowered while a historical round added chunks in the current or the previous rate window is a breach', () => {
  const { o, breaches, chunk } = setup({ capacity: 100 });
  o.stateChanged!(0, 'radius', 2, 'warmup', 0);
  breaches.list.length = 0;
  const cursors = Array.from({ length: 32 }, () => 10);
  o.sent!(1, 0, ack(cursors), 0, WINDOW);
  historicalRound(o, 5, 2, 1, [chunk(2), chunk(2)], WINDOW + 1);
  // the worker's next round opens its stream when the puller adds the count: that is when the rate moved
  historicalRound(o, 6, 2, 3, [], WINDOW + 2 * SECOND);
  o.stateChanged!(0, 'radius', 1, 'idle', 2 * WINDOW + SECOND);
  assert.equal(kinds(breaches), ['radius'], 'added in the previous window');
  assert.match(breaches.list[0]!.detail, 'historical sync added chunks');
  o.stateChanged!(0, 'radius', 2, 'warmup', 2 * WINDOW + 2 * SECOND);
  breaches.list.length = 0;
  o.stateChanged!(0, 'radius', 1, 'idle', 3 * WINDOW);
  assert.equal(kinds(breaches).filter((k) => k === 'radius'), [], 'two windows later the rate is zero again');
});

test('a live round (its start past the cursor) never counts toward the historical rate', () => {
  const { o, breaches, chunk } = setup({ capacity: 100 });
  o.stateChanged!(0, 'radius', 2, 'warmup', 0);
  breaches.list.length = 0;
  o.sent!(1, 0, ack(Array.from({ length: 32 }, () => 4)), 0, WINDOW);
  historicalRound(o, 5, 2, 5, [chunk(2)], WINDOW + 1);
  historicalRound(o, 6, 2, 6, [], WINDOW + 2);
  o.stateChanged!(0, 'radius', 1, 'idle', 2 * WINDOW);
  assert.equal(kinds(breaches), []);
});

test('warm-up sets max(network, minimum) over a radius at most the minimum; a wipe sets 0; any other change is a breach', () => {
  const { o, breaches } = setup({ networkRadius: 4, minimumRadius: 2 });
  o.stateChanged!(0, 'radius', 4, 'warmup', 1);
  o.stateChanged!(1, 'radius', 3, 'warmup', 1);
  assert.equal(kinds(breaches), ['radius'], 'node 1 went to 3, not 4');
  o.stateChanged!(0, 'radius', 0, 'wiped', 2);
  o.stateChanged!(0, 'radius', 7, 'whim', 3);
  assert.equal(kinds(breaches), ['radius', 'radius']);
  assert.match(breaches.list[1]!.detail, 'no rule changes the radius for "whim"');
});

test("deliveries outside the receiver's radius at arrival are counted; past maxOutOfRadius they are one breach", () => {
  const { o, breaches, chunk, props } = setup({ maxOutOfRadius: 1 });
  o.stateChanged!(0, 'radius', 2, 'warmup', 0);
  breaches.list.length = 0;
  o.arrived!(0, chunk(2), 1, 1, 1, 0);
  o.arrived!(0, chunk(1), 1, 1, 2, 0);
  assert.equal(kinds(breaches), []);
  o.arrived!(0, chunk(0), 1, 1, 3, 0);
  o.arrived!(0, chunk(1), 1, 1, 4, 0);
  assert.is(props.metrics().outOfRadius, 3);
  assert.equal(kinds(breaches), ['out-of-radius'], 'one breach, at the first delivery past the bound');
});

test("a chunk of a batch a node saw expire is excused at that node only; the removal causes sync must undo do not excuse", () => {
  const { o, chunk, props } = setup();
  const old = chunk(3, 0);
  const stamped = chunk(3, 7);
  o.stateChanged!(1, 'expired', 7, 'expiry', 1);
  assert.ok(props.excused!(1, stamped));
  assert.not.ok(props.excused!(0, stamped));
  assert.not.ok(props.excused!(1, old));
  assert.equal(['removed', 'lost', 'expired', 'evicted', 'wiped'].map((c) => props.excuses!(c)), [true, true, true, false, false]);
});

test.run();
