import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SECOND } from '../src/core/units.js';
import { BeeMsg, type Want } from '../src/protocol/bee/messages.js';
import { beeNet } from './helpers/bee-net.js';
import { BeeProbe } from './helpers/bee-probe.js';

const MINUTE = 60 * SECOND;

/** The head of a node at exactly PO `po` from address word 0. */
const at = (po: number): number => (0x80000000 >>> po) >>> 0;

/** The bins node `x` syncs from `peer`, each as "bin" (historical worker done) or "bin+h" (still running). */
function syncedBins(net: ReturnType<typeof beeNet>, x: number, peer: number): number[] {
  return (net.nodes[x]!.syncPeers().get(peer)?.workers() ?? []).map(([bin]) => bin);
}

test('bin rule: a peer at PO >= radius gives every bin >= radius, 1-2 below only its PO bin, further below none', () => {
  const net = beeNet([0, at(5), at(3), at(2), at(1)], { bee: { networkRadius: 4 } });
  for (let p = 1; p <= 4; p++) net.link(0, p);
  net.runFor(15 * SECOND);
  const range = (from: number) => Array.from({ length: 32 - from }, (_, i) => from + i);
  assert.equal(syncedBins(net, 0, 1), range(4), 'PO 5 >= radius 4');
  assert.equal(syncedBins(net, 0, 2), [3], 'PO 3: one below');
  assert.equal(syncedBins(net, 0, 3), [2], 'PO 2: maxPODelta below');
  assert.equal(syncedBins(net, 0, 4), [], 'PO 1: three below, no sync');
  net.nodes[0]!.setRadius(5, 'overflow');
  net.runFor(SECOND);
  assert.equal(syncedBins(net, 0, 1), range(5), 'the bins below the new radius are cancelled');
  assert.equal(syncedBins(net, 0, 2), [3], 'PO 3 is still within maxPODelta of 5');
  assert.equal(syncedBins(net, 0, 3), [], 'PO 2 is now too far below');
});

test('the client wants an offered chunk iff it is within its radius and not in its reserve', () => {
  const net = beeNet([0, at(0)], { bee: { networkRadius: 2 }, log: true });
  const outside = net.chunkAt(0, 1);
  const inside = net.chunkAt(0, 2);
  const held = net.chunkAt(0, 5);
  for (const c of [outside, inside, held]) net.upload(1, c);
  net.upload(0, held);
  net.link(0, 1);
  net.runFor(15 * SECOND);
  assert.equal(syncedBins(net, 0, 1), [0], 'the peer is 2 below the radius: its bin 0 only');
  const wants = net.log.filter((s) => s.from === 0 && s.msg.type === BeeMsg.Want).map((s) => (s.msg as Want).bits[0]);
  assert.equal(wants, [0b010], 'offered [outside, inside, held] in bin ID order: only the middle one wanted');
  assert.ok(net.holds(0, inside));
  assert.not.ok(net.holds(0, outside));
  assert.equal(net.arrivals.filter(([n]) => n === 0).map(([, c]) => c), [inside]);
});

test("a peer's new epoch resets our intervals for it: a wiped peer's chunks are pulled again from bin ID 1", () => {
  const net = beeNet([0x00000000, 0x00000001]);
  for (let i = 0; i < 5; i++) net.upload(1, net.chunkAt(1, 2, i));
  net.link(0, 1);
  net.runFor(15 * SECOND);
  assert.equal(net.nodes[0]!.store.ranges(1, 2), [[1, 5]]);
  net.stop(1);
  net.runFor(2 * SECOND);
  net.nodes[1]!.wipe();
  net.start(1);
  const fresh = [0, 1].map((i) => net.chunkAt(1, 2, 100 + i));
  for (const c of fresh) net.upload(1, c);
  net.link(0, 1);
  net.runFor(2 * SECOND);
  assert.equal(net.nodes[0]!.store.ranges(1, 2), [[1, 2]], 'the old [1, 5] is gone; the fresh IDs 1-2 are pulled');
  assert.ok(fresh.every((c) => net.holds(0, c)));
});

test('a restarted peer keeps its epoch: our intervals stand and nothing is pulled twice', () => {
  const net = beeNet([0x00000000, 0x00000001]);
  for (let i = 0; i < 5; i++) net.upload(1, net.chunkAt(1, 2, i));
  net.link(0, 1);
  net.runFor(15 * SECOND);
  const deliveries = net.count('Delivery');
  net.stop(1);
  net.runFor(2 * SECOND);
  net.start(1, [0]);
  net.runFor(30 * SECOND);
  assert.equal(net.nodes[0]!.store.ranges(1, 2), [[1, 5]]);
  assert.is(net.count('Delivery'), deliveries, 'no chunk moved again');
});

test('a radius decrease drops every sync, resets intervals below the old radius (all of them for peers below it) and re-pulls', () => {
  const net = beeNet([0, at(4), at(2)], { bee: { networkRadius: 3 } });
  const ignored = net.chunkAt(0, 2, 1);
  net.upload(1, ignored);
  net.upload(1, net.chunkAt(0, 6, 2));
  net.upload(2, net.chunkAt(0, 3, 3));
  net.link(0, 1);
  net.link(0, 2);
  net.runFor(15 * SECOND);
  const x = net.nodes[0]!;
  assert.not.ok(net.holds(0, ignored), 'PO 2 is outside radius 3');
  assert.equal(x.store.ranges(2, 2), [[1, 1]], 'the PO 2 peer gave its bin 2');
  assert.ok(x.store.ranges(1, 4).length > 0);
  const before = x.recalculations;
  x.setRadius(2, 'idle');
  net.runFor(0);
  assert.is(x.recalculations, before + 1);
  assert.equal(x.store.ranges(2, 2), [], 'PO 2 < old radius 3: every interval of that peer is gone');
  net.runFor(5 * SECOND);
  assert.ok(net.holds(0, ignored), 'the chunk ignored before is pulled now');
  assert.equal(syncedBins(net, 0, 2), Array.from({ length: 30 }, (_, i) => i + 2), 'the PO 2 peer is now at the radius');
});

test('the puller recalculates when it starts, on every topology signal and every 5 minutes', () => {
  const net = beeNet([0, at(3), at(4)]);
  net.link(0, 1);
  net.runFor(11 * SECOND);
  const x = net.nodes[0]!;
  assert.is(x.recalculations, 1, 'the first onChange at the end of warm-up');
  net.runFor(5 * MINUTE);
  assert.is(x.recalculations, 2, 'the ticker');
  net.link(0, 2);
  net.runFor(0);
  assert.is(x.recalculations, 3, 'a new connection');
  net.runFor(10 * MINUTE);
  assert.is(x.recalculations, 5);
});

test('historical sync in the current or the previous 15-minute window holds off a radius decrease', () => {
  const net = beeNet([0, at(4)], { bee: { networkRadius: 3, capacity: 100 } });
  for (let i = 0; i < 5; i++) net.upload(1, net.chunkAt(0, 6, i));
  net.link(0, 1);
  net.runFor(15 * SECOND);
  const x = net.nodes[0]!;
  assert.is(x.radius, 3);
  assert.ok(x.syncRate() > 0, 'five chunks pulled by a historical worker at about 11 s');
  net.runUntil(15 * MINUTE);
  assert.is(x.radius, 3, 'at the first wake-up the previous window still has them');
  net.runUntil(30 * MINUTE);
  assert.equal(net.radii.filter((e) => e.node === 0).map((e) => [e.radius, e.cause, e.time]), [[3, 'warmup', 10 * SECOND], [2, 'idle', 30 * MINUTE]]);
});

test('a restarted node starts a new life: one ticker, a new warm-up, old timers stale', () => {
  const net = beeNet([0, at(3)]);
  net.link(0, 1);
  net.runFor(2 * MINUTE);
  net.stop(0);
  net.runFor(SECOND);
  net.start(0, [1]);
  assert.not.ok(net.nodes[0]!.warm);
  net.runFor(11 * SECOND);
  assert.is(net.nodes[0]!.recalculations, 1, 'a fresh puller after the new warm-up');
  net.runFor(10 * MINUTE);
  assert.is(net.nodes[0]!.recalculations, 3, 'ticks at 5 and 10 minutes of the new life only');
});

test('a failed cursor request is retried by the next periodic recalculation', () => {
  const p = new BeeProbe(0x00000000, { warmupTime: SECOND });
  const peer = p.peer(100);
  p.runFor(SECOND);
  const first = p.replies.find((r) => r.to === 100 && r.msg.type === BeeMsg.Open)!;
  p.node.handle(peer, { type: BeeMsg.Reset, stream: first.msg.stream, byOpener: false });
  assert.is(p.node.pending(), 'no cursors of peer 100');
  p.runFor(5 * MINUTE - 1);
  assert.is(p.replies.filter((r) => r.msg.type === BeeMsg.Open).length, 1);
  p.runFor(1);
  assert.is(p.replies.filter((r) => r.msg.type === BeeMsg.Open).length, 2, 'asked again at the 5 minute tick');
});

test('warm-up: connections all at once wait for the warm-up timer; a steady rate ends it after 7 periods of 2 s', () => {
  const burst = new BeeProbe(0, { warmupTime: MINUTE });
  burst.peer(100);
  burst.peer(101);
  burst.runFor(MINUTE - 1);
  assert.not.ok(burst.node.warm);
  burst.runFor(1);
  assert.ok(burst.node.warm, 'the timer ends it');
  const steady = new BeeProbe(0, { warmupTime: MINUTE });
  for (let s = 0; s <= 14; s++) {
    steady.peer(200 + s);
    assert.is(steady.node.warm, s === 14, `after the connection at ${s} s`);
    steady.runFor(SECOND);
  }
});

test.run();
