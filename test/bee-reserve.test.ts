import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MS, SECOND } from '../src/core/units.js';
import { Limiter } from '../src/protocol/bee/limiter.js';
import type { RemoveCause } from '../src/protocol/bee/observer.js';
import { SyncRate } from '../src/protocol/bee/rate.js';
import { EPOCH_BASE, Reserve, type BeeChunks } from '../src/protocol/bee/reserve.js';
import { BeeProbe } from './helpers/bee-probe.js';

const MINUTE = 60 * SECOND;

/** A reserve at address word 0 over chunks given by (address word, batch). */
function reserveOf(chunks: [number, number][]) {
  const table: BeeChunks = { heads: Uint32Array.from(chunks.map(([h]) => h)), batches: Int32Array.from(chunks.map(([, b]) => b)) };
  const removed: [number, RemoveCause][] = [];
  const stored: [number, number, number][] = [];
  const observer = {
    stored: (_n: number, c: number, bin: number, id: number) => void stored.push([c, bin, id]),
    removed: (_n: number, c: number, cause: RemoveCause) => void removed.push([c, cause]),
    radius: () => undefined,
  };
  return { reserve: new Reserve(0, 0, table, observer, EPOCH_BASE), removed, stored };
}

test('bin IDs count from 1 per bin; a removed chunk leaves a gap; a put of a held chunk assigns nothing', () => {
  const { reserve, stored } = reserveOf([[0x80000000, 0], [0x90000000, 0], [0x40000000, 0], [0xa0000000, 0]]);
  assert.is(reserve.put(0), 1);
  assert.is(reserve.put(1), 2);
  assert.is(reserve.put(2), 1, 'bin 1 counts on its own');
  assert.is(reserve.put(0), 0, 'already held');
  assert.ok(reserve.remove(1, 'removed'));
  assert.is(reserve.at(0, 2), -1, 'a gap');
  assert.is(reserve.put(3), 3, 'IDs are never reused');
  assert.is(reserve.put(1), 4, 'the removed chunk comes back under a new ID');
  assert.is(reserve.lastBinIds()[0], 4);
  assert.is(reserve.lastBinIds()[1], 1);
  assert.is(reserve.size, 4);
  assert.equal(stored[1], [1, 0, 2], 'the observer hears (chunk, bin, bin ID)');
});

test('eviction takes batches by id and within a batch bin by bin, lowest address first, only below the bin given', () => {
  const { reserve, removed } = reserveOf([
    [0xc0000000, 2], // 0: bin 0, batch 2
    [0x90000000, 1], // 1: bin 0, batch 1
    [0x88000000, 1], // 2: bin 0, batch 1, lower address than 1
    [0x40000000, 1], // 3: bin 1, batch 1
    [0x20000000, 1], // 4: bin 2, batch 1
  ]);
  for (let c = 0; c < 5; c++) reserve.put(c);
  assert.equal(reserve.batchesBelow(2), [1, 2]);
  assert.is(reserve.evictBatchBin(1, 10, 2), 3, 'bins 0 and 1 of batch 1; bin 2 is not below 2');
  assert.equal(removed, [[2, 'evicted'], [1, 'evicted'], [3, 'evicted']]);
  assert.is(reserve.evictBatchBin(2, 10, 1), 1);
  assert.is(reserve.size, 1);
});

test('a lost chunk stays listed (Has) but cannot be read (Get); its later eviction takes the index entry and is reported', () => {
  const { reserve, removed } = reserveOf([[0x80000000, 0]]);
  reserve.put(0);
  assert.ok(reserve.lose(0));
  assert.ok(reserve.has(0));
  assert.not.ok(reserve.readable(0));
  assert.is(reserve.at(0, 1), 0, 'still in its bin, so still offered');
  reserve.remove(0, 'evicted');
  assert.equal(removed, [[0, 'lost'], [0, 'evicted']]);
  assert.not.ok(reserve.has(0));
});

test('a wipe empties the reserve, restarts bin IDs at 1, takes a new epoch and forgets the radius', () => {
  const { reserve, removed } = reserveOf([[0x80000000, 0], [0x90000000, 0]]);
  reserve.put(0);
  reserve.put(1);
  reserve.radius = 3;
  reserve.wipe(5 * SECOND + 300 * MS);
  assert.equal(removed, [[0, 'wiped'], [1, 'wiped']]);
  assert.is(reserve.size, 0);
  assert.is(reserve.epoch, EPOCH_BASE + 5, 'the epoch is the creation time in seconds');
  assert.is(reserve.radius, 0);
  assert.is(reserve.put(1), 1);
});

test('the limiter lets a burst through, then one token per interval; a waiter that gives up returns its tokens', () => {
  const l = new Limiter(250, 250);
  assert.is(l.interval, 4 * MS);
  assert.is(l.take(250, 0), 0);
  assert.is(l.take(1, 0), 4 * MS);
  assert.is(l.take(10, 0), 44 * MS);
  l.giveBack(10, 0);
  assert.is(l.take(1, 0), 8 * MS, 'as if the ten were never taken');
  assert.is(l.take(0, 10 * SECOND), 0);
  assert.is(l.take(250, 10 * SECOND), 0, 'the bucket refilled, and holds no more than the burst');
  assert.is(l.take(1, 10 * SECOND), 4 * MS);
});

test('the historical sync rate is zero only when the current and the previous window saw nothing', () => {
  const r = new SyncRate(15 * MINUTE);
  assert.is(r.rate(0), 0);
  r.add(900, 10 * MINUTE);
  assert.is(r.rate(10 * MINUTE), 1, '900 chunks in a 900 s window');
  assert.ok(r.rate(20 * MINUTE) > 0, 'the previous window still counts, interpolated');
  assert.is(r.rate(30 * MINUTE), 0);
  r.add(0, 31 * MINUTE);
  assert.is(r.rate(31 * MINUTE), 0, 'adding nothing is nothing');
});

test('over capacity the worker evicts below the radius and raises the radius until the target is met', () => {
  const p = new BeeProbe(0x00000000, { capacity: 8 });
  const radii = p.radii;
  const bin0 = p.fill(0, 4);
  p.fill(1, 4);
  p.fill(2, 2);
  assert.is(p.node.reserve.size, 10, 'puts are not refused; the worker runs as an event');
  p.runFor(0);
  assert.equal(radii, [[1, 'overflow', 0]], 'nothing below radius 0: radius 1, then 2 of bin 0 go');
  assert.is(p.node.reserve.size, 8);
  assert.equal(bin0.map((c) => p.node.reserve.has(c)), [false, false, true, true]);
  p.fill(3, 2);
  p.runFor(0);
  assert.equal(radii.map(([r]) => r), [1], 'the two left in bin 0 meet the target: no increase');
  assert.equal(bin0.map((c) => p.node.reserve.has(c)), [false, false, false, false]);
  p.fill(3, 2);
  p.runFor(0);
  assert.equal(radii.map(([r]) => r), [1, 2], 'nothing below radius 1 any more: radius 2, bin 1 gives');
  assert.is(p.node.reserve.size, 8);
});

test('minEvictCount: a batch gives at least that many once it is its turn', () => {
  const p = new BeeProbe(0x00000000, { capacity: 8, minEvictCount: 3 });
  p.fill(0, 4);
  p.fill(1, 5);
  p.runFor(0);
  assert.is(p.node.reserve.size, 6, 'over by 1, yet 3 evicted');
  assert.is(p.node.radius, 1);
});

test('every wake-up the radius drops by one when under half capacity within it and historical sync is idle', () => {
  const p = new BeeProbe(0x00000000, { capacity: 100, networkRadius: 3, warmupTime: 5 * SECOND });
  const radii = p.radii;
  p.peer(100);
  p.fill(5, 20);
  p.runFor(6 * SECOND);
  assert.is(p.node.radius, 3, 'warm-up took the network radius');
  p.runFor(15 * MINUTE);
  assert.equal(radii.map(([r, cause, t]) => [r, cause, t]), [[3, 'warmup', 5 * SECOND], [2, 'idle', 15 * MINUTE]]);
  p.fill(2, 40);
  p.runFor(15 * MINUTE);
  assert.is(p.node.radius, 2, '60 chunks within radius 2: not under half of 100');
});

test('no decrease below the minimum radius', () => {
  const p = new BeeProbe(0x00000000, { capacity: 100, networkRadius: 0, minimumRadius: 2, warmupTime: SECOND });
  p.peer(100);
  p.runFor(2 * SECOND);
  p.node.disconnect(100);
  assert.is(p.node.radius, 2, 'warm-up: the minimum is above the network radius');
  p.runFor(16 * MINUTE);
  assert.is(p.node.radius, 2);
  assert.is(p.node.pending(), '', 'at the minimum nothing is due');
});

test.run();
