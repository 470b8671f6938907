import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createRng } from '../src/core/rng.js';
import { SECOND } from '../src/core/units.js';
import { proximity } from '../src/protocol/bee/bins.js';
import { beeNet, type BeeNet } from './helpers/bee-net.js';

test('two nodes sync history after warm-up and live uploads one page timeout later', () => {
  const net = beeNet([0x00000000, 0x40000000], { latency: 10_000 });
  const history = [0, 1, 2, 5, 9].map((po) => net.chunkAt(0, po));
  for (const c of history) net.upload(0, c);
  net.link(0, 1);
  net.runFor(9 * SECOND);
  assert.ok(history.every((c) => !net.holds(1, c)), 'nothing moves before warm-up ends (10 s here)');
  net.runFor(6 * SECOND);
  assert.ok(history.every((c) => net.holds(1, c)), `history pulled: ${history.filter((c) => !net.holds(1, c))} missing`);
  const live = net.chunkAt(0, 3);
  net.upload(0, live);
  const from = net.now;
  while (!net.holds(1, live) && net.now - from < 5 * SECOND) net.runFor(10_000);
  assert.is(net.now - from, 1_030_000, 'page timeout 1 s, then Offer, Want and Delivery at 10 ms each');
  assert.is(net.nodes[1]!.pending(), 'live worker opening of peer 0', 'the live worker goes on at once');
  const settled = net.settle(10 * SECOND, 10_000);
  assert.is(settled, 1_040_000, 'node 0 is offered the chunk back (1 s page, 10 ms Offer), wants none, and its next Get is parked 30 ms later');
});

/** `n` nodes at seeded addresses, meshed, each chunk uploaded where push-sync would land it (the closest node). */
function network(n: number, chunks: number, seed: string, capacity: number): { net: BeeNet; ids: number[] } {
  const rng = createRng(seed);
  const heads = Array.from({ length: n }, () => rng.u32());
  const net = beeNet(heads, { latency: 20_000, bee: { capacity }, seed });
  net.mesh();
  const ids: number[] = [];
  for (let i = 0; i < chunks; i++) {
    const c = net.chunk(rng.u32(), i % 3);
    let best = 0;
    for (let k = 1; k < n; k++) if (proximity(heads[k]!, net.chunks.heads[c]!) > proximity(heads[best]!, net.chunks.heads[c]!)) best = k;
    net.upload(best, c);
    ids.push(c);
  }
  return { net, ids };
}

test('eight nodes converge: every node whose radius covers a chunk holds it, radii rose on overflow', () => {
  const { net, ids } = network(8, 400, 'converge', 150);
  const took = net.settle(600 * SECOND);
  assert.ok(took < 60 * SECOND, `settled in ${took / SECOND} s`);
  let covered = 0;
  for (const node of net.nodes) {
    assert.ok(node.radius >= 1, `node ${node.id} radius ${node.radius}`);
    assert.ok(node.reserve.size <= 150);
    for (const c of ids) {
      if (proximity(node.reserve.head, net.chunks.heads[c]!) < node.radius) continue;
      covered++;
      assert.ok(net.holds(node.id, c), `node ${node.id} (radius ${node.radius}) lacks chunk ${c}`);
    }
  }
  assert.ok(covered > 400, `${covered} covered (node, chunk) pairs`);
  assert.ok(net.radii.every((e) => e.cause === 'overflow'));
  assert.ok(net.removals.length > 0 && net.removals.every((r) => r.cause === 'evicted'));
});

test('the same seed gives the same run event for event', () => {
  const a = network(6, 200, 'twice', 100).net;
  const b = network(6, 200, 'twice', 100).net;
  a.runFor(60 * SECOND);
  b.runFor(60 * SECOND);
  assert.ok(a.engine.processed > 1000);
  assert.is(a.engine.processed, b.engine.processed);
  assert.is(a.engine.fingerprint.hex(), b.engine.fingerprint.hex());
});

test.run();
