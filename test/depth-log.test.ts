/**
 * The report's depth and subscription observers on hand-made histories of connects, disconnects, stops and
 * StreamInfoReqs: depth per node over time (one entry per instant), the per-depth node counts, the settled
 * changes, and the quits the sync rule derives from them.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createRng } from '../src/core/rng.js';
import { SECOND } from '../src/core/units.js';
import { DepthLog, DOWN, type DepthListener } from '../src/check/depth-log.js';
import { SubscriptionLog } from '../src/check/stream/subscription-log.js';
import { MsgType } from '../src/protocol/stream/messages.js';
import { depthFromPOs } from '../src/topology/depth.js';
import { addressAtPO, randomAddresses, topologyOf } from './helpers/net.js';

// A pivot (node 0) and five peers at PO 0, 1, 2, 3, 3 from it; neighbourhood size 2: with all five its depth is
// 3 (the two nearest are at PO 3, and no bin below is empty); without the PO-0 peer, bin 0 is empty: depth 0.
const rng = createRng('depth-log');
const [pivot] = randomAddresses(1, rng);
const addrs = topologyOf([pivot!, ...[0, 1, 2, 3, 3].map((po) => addressAtPO(pivot!, po, rng))], []).addrs;
const NS = 2;

/** The depth log (and a subscription log as its listener) fed a scripted history. */
function history(listener?: DepthListener) {
  const log = new DepthLog(addrs, 6, NS, listener);
  const observers = listener instanceof SubscriptionLog ? [log, listener] : [log];
  const connect = (a: number, b: number, t: number) => observers.forEach((o) => o.connected(a, b, t));
  const disconnect = (a: number, b: number, t: number, reason = 'dropped') => observers.forEach((o) => o.disconnected(a, b, reason, t));
  for (const p of [1, 2, 3, 4, 5]) connect(0, p, 0);
  disconnect(0, 1, 1 * SECOND); // bin 0 empties: depth 0
  connect(0, 1, 2 * SECOND); // depth 3 again
  for (const p of [1, 2, 3, 4, 5]) disconnect(0, p, 3 * SECOND, 'node stopped');
  log.nodeUp(0, false, 3 * SECOND);
  log.nodeUp(0, true, 4 * SECOND);
  for (const p of [2, 3, 4, 5]) connect(0, p, 4 * SECOND); // back without its PO-0 peer: depth 0
  connect(0, 1, 5 * SECOND); // up to 3 and back to 0 within one instant: no change
  disconnect(0, 1, 5 * SECOND);
  log.finish();
  return { log, connect };
}

test('the pivot\'s depth is the oracle\'s for its peers at each step', () => {
  assert.is(depthFromPOs([0, 1, 2, 3, 3], NS), 3);
  assert.is(depthFromPOs([1, 2, 3, 3], NS), 0);
});

test('depth per node is one entry per instant, a stop shows as down, and a change undone within an instant is none', () => {
  const { log } = history();
  const j = log.toJSON();
  assert.equal(j.nodes[0], [0, 3, 1 * SECOND, 0, 2 * SECOND, 3, 3 * SECOND, DOWN, 4 * SECOND, 0]);
  assert.equal(j.nodes[2], [0, 0], 'a peer with one connection stays at depth 0');
  assert.is(j.changes[0], 3, 'three changes after t = 0: 3 -> 0 -> 3 -> 0');
  assert.equal(j.changes.slice(1), [0, 0, 0, 0, 0]);
  assert.is(j.capped, 0);
});

test('the per-depth node counts follow the changes: one node at depth 3 at first, one down from 3 s', () => {
  const g = history().log.toJSON().groups;
  const bucket = (t: number) => Math.floor(t / g.width);
  assert.is(g.rows['3']![bucket(0)], 1);
  assert.is(g.rows['0']![bucket(0)], 5);
  assert.is(g.rows['3']![bucket(1 * SECOND)], 0);
  assert.is(g.rows.down![bucket(3 * SECOND)], 1);
  assert.is(g.rows.down![bucket(4 * SECOND)], 0);
  const last = g.rows['0']!.length - 1;
  assert.is(g.rows['0']![last], 6, 'all six at depth 0 at the end');
});

test('a change is settled once its instant is over, with the depth before and after it', () => {
  const settled: [number, number, number, number][] = [];
  history({ settled: (node, prev, next, t) => settled.push([node, prev, next, t]) });
  assert.equal(settled, [
    [0, 0, 3, 0],
    [0, 3, 0, 1 * SECOND],
    [0, 0, 3, 2 * SECOND],
    [0, 3, 0, 3 * SECOND],
  ]);
});

test('a deeper depth quits bins (derived, over the peers connected before the change); a shallower one quits none', () => {
  const subs = new SubscriptionLog(addrs, 6, false);
  history(subs);
  const j = subs.toJSON();
  const quits = j.changes.filter((c) => c.kind === 'quit');
  // at 2 s the pivot goes 0 -> 3 and its four older peers' ranges shrink: the PO-1 peer to bin 1 (quits 0, 2..16),
  // the PO-2 peer to bin 2 (quits 0, 1, 3..16), the PO-3 peers to 3..16 (quit 0..2 each); the PO-0 peer came at 2 s
  assert.equal(quits, [{ node: 0, t: 2 * SECOND, kind: 'quit', bins: 16 + 16 + 3 + 3, lo: 0, hi: 16, peers: 4 }]);
  assert.is(j.quits[0], 38);
  assert.is(j.series.rows['quit (derived)']!.reduce((a, b) => a + b, 0), 38);
});

test('a connection\'s first StreamInfoReq is its initial subscription; a later one is a change, one record per instant', () => {
  const subs = new SubscriptionLog(addrs, 6, false);
  const { connect } = history(subs);
  connect(0, 1, 6 * SECOND);
  const req = (from: number, to: number, bins: number[], t: number) => subs.sent(from, to, { type: MsgType.StreamInfoReq, bins }, 0, t);
  req(0, 2, [3], 4 * SECOND); // after the restart's reconnect: initial
  req(0, 1, [0, 1, 2], 6 * SECOND); // initial
  req(0, 1, [5], 7 * SECOND);
  req(0, 2, [6, 7], 7 * SECOND);
  const j = subs.toJSON();
  assert.is(j.series.rows.initial!.reduce((a, b) => a + b, 0), 1 + 3);
  assert.equal(j.resubscribes.slice(0, 2), [2, 0]);
  assert.equal(j.changes.filter((c) => c.kind === 'subscribe'), [{ node: 0, t: 7 * SECOND, kind: 'subscribe', bins: 3, lo: 5, hi: 7, peers: 2 }]);
});

test.run();
