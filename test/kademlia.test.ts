import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Kademlia } from '../src/protocol/kademlia.js';
import { depthFromPOs } from '../src/topology/depth.js';
import { createRng } from '../src/core/rng.js';

test('an empty kademlia has depth 0', () => {
  const k = new Kademlia();
  assert.is(k.neighbourhoodSize, 2);
  assert.is(k.depth, 0);
  assert.is(k.size, 0);
  assert.equal(k.binCounts(), []);
});

test('two peers at PO 7 give depth 0; then one more peer at PO 0, 1, ..., 6 gives depth 1, 2, ..., 7', () => {
  const k = new Kademlia(2);
  k.on(7);
  k.on(7);
  assert.is(k.depth, 0, 'no more peers than the neighbourhood size');
  for (let po = 0; po <= 6; po++) {
    assert.ok(k.on(po), `adding PO ${po} changes the depth`);
    assert.is(k.depth, po + 1, `after adding PO ${po}`);
  }
  assert.equal(k.binCounts(), [1, 1, 1, 1, 1, 1, 1, 2]);
});

test('the depth is the PO of the second-nearest peer when no bin below it is empty', () => {
  const k = new Kademlia(2);
  for (const po of [0, 1, 2, 3, 9, 200]) k.on(po);
  assert.is(k.depth, 4, 'first empty bin (4) is below the radius (9)');
  k.on(4);
  k.on(5);
  k.on(6);
  k.on(7);
  k.on(8);
  assert.is(k.depth, 9, 'bins 0..8 full: depth = radius');
  k.on(255);
  assert.is(k.depth, 10, 'the second-nearest is now at 200, and bins 0..9 are full: depth = first empty bin, 10');
});

test('disconnecting peers lowers the depth back', () => {
  const k = new Kademlia(2);
  for (const po of [7, 7, 0, 1, 2]) k.on(po);
  assert.is(k.depth, 3);
  assert.ok(k.off(1));
  assert.is(k.depth, 1);
  assert.not.ok(k.off(7), 'POs 7,0,2: radius 2, first empty bin 1: still depth 1');
  assert.ok(k.off(0));
  assert.is(k.depth, 0, 'two peers left');
});

test('disconnecting a peer from an empty bin is a bug and throws', () => {
  const k = new Kademlia(2);
  k.on(3);
  assert.throws(() => k.off(4), /empty bin 4/);
});

test('over 2000 random connects and disconnects the incremental depth equals the depth recomputed from scratch', () => {
  const rng = createRng('kademlia-onoff');
  for (const ns of [2, 1, 3]) {
    const k = new Kademlia(ns);
    const peers: number[] = [];
    let changes = 0;
    for (let step = 0; step < 2000; step++) {
      const connect = peers.length === 0 || rng.next() < (peers.length < 30 ? 0.6 : 0.4);
      const before = depthFromPOs(peers, ns);
      let changed: boolean;
      let what: string;
      if (connect) {
        // mostly shallow POs like a real table, sometimes a very deep one
        const po = rng.int(4) === 0 ? rng.int(257) : rng.int(10);
        peers.push(po);
        changed = k.on(po);
        what = `on(${po})`;
      } else {
        const i = rng.int(peers.length);
        const po = peers[i]!;
        peers.splice(i, 1);
        changed = k.off(po);
        what = `off(${po})`;
      }
      const expected = depthFromPOs(peers, ns);
      const at = `NS ${ns}, step ${step} ${what}, peers [${[...peers].sort((a, b) => a - b).join(',')}]`;
      assert.is(k.depth, expected, at);
      assert.is(changed, expected !== before, `${at}: returns true exactly when the depth changed`);
      assert.is(k.size, peers.length, at);
      if (changed) changes++;
    }
    assert.ok(changes > 100, `NS ${ns}: the sequence changes the depth often (${changes} times)`);
  }
});

test('binCounts gives the connected peers per PO up to the deepest non-empty bin', () => {
  const k = new Kademlia(2);
  for (const po of [2, 0, 2, 5]) k.on(po);
  assert.equal(k.binCounts(), [1, 0, 2, 0, 0, 1]);
  k.off(5);
  assert.equal(k.binCounts(), [1, 0, 2]);
  assert.is(k.count(2), 2);
  k.off(0);
  k.off(2);
  k.off(2);
  assert.equal(k.binCounts(), []);
});

test.run();
