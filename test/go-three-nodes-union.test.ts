/**
 * Port of Go's TestThreeNodesUnionHistoricalSync (PROTOCOL.md §8): three nodes, each with 1000 chunks of its
 * own, connected in a full mesh. Each has two peers, so depth 0 and every bin is pulled from both; every node
 * must end with the union. (Go checks no duplicates here: a chunk may legitimately come from both peers.)
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SECOND } from '../src/core/units.js';
import { chunksOf, makeWorld, mesh, randomTopology, uploadChunks, waitChunks, watchDrops } from './helpers/net.js';

const NODES = 3;
const PER_NODE = 1000;

test('three fully connected nodes with 1000 chunks each all end with the 3000-chunk union', () => {
  const world = makeWorld(randomTopology(NODES, 'union', mesh(NODES)), 'union');
  const drops = watchDrops(world);
  const union: number[] = [];
  for (let n = 0; n < NODES; n++) union.push(...uploadChunks(world, n, PER_NODE));
  union.sort((x, y) => x - y);
  world.start();
  for (let n = 0; n < NODES; n++) assert.is(waitChunks(world, n, NODES * PER_NODE, 10 * SECOND), NODES * PER_NODE, `node ${n}`);
  assert.ok(world.runUntilQuiescent(world.now + 60 * SECOND), 'the run settles');
  for (let n = 0; n < NODES; n++) {
    assert.is(world.nodes[n]!.kad.depth, 0, `node ${n} has depth 0`);
    assert.equal(chunksOf(world, n), union, `node ${n} holds the union`);
  }
  assert.equal(drops, [], 'no drop');
});

test.run();
