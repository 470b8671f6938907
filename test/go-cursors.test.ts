/**
 * Ports of Go's cursor tests (PROTOCOL.md §8), all with Autostart off so only cursors are exchanged:
 * TestNodesExchangeCorrectBinIndexes, TestNodesCorrectBinsDynamic and TestCorrectCursorsExchangeRace.
 * A cursor is the server's LastPullSubscriptionBinID of a bin at the time it answered.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createRng, shuffle } from '../src/core/rng.js';
import { MS, SECOND } from '../src/core/units.js';
import { BINS } from '../src/protocol/stream/localstore.js';
import { MsgType, type StreamInfoReq, type StreamInfoRes } from '../src/protocol/stream/messages.js';
import type { Mutant } from '../src/protocol/stream/options.js';
import { depthFromPOs } from '../src/topology/depth.js';
import { binCursors, cursorsFor, makeWorld, nodePO, pair, randomTopology, uploadChunks } from './helpers/net.js';

const cursorsOnly = { protocol: { autostart: false } };

/** The bins a node with depth `depth` pulls from a peer at capped PO `po` (syncBins, PROTOCOL.md §4.1). */
function expectedBins(po: number, depth: number): number[] {
  if (po < depth) return [po];
  return Array.from({ length: BINS - depth }, (_, i) => depth + i);
}

/** `cursors` covers exactly `bins`, each equal to the peer's initial bin index. */
function assertCursors(cursors: Map<number, number>, bins: number[], initial: number[], what: string): void {
  assert.equal([...cursors.keys()], bins, `${what}: cursors for exactly these bins`);
  for (const b of bins) assert.is(cursors.get(b), initial[b], `${what}: bin ${b}`);
}

test('two nodes with 1000 chunks each exchange cursors equal to each other\'s bin indexes', () => {
  const world = makeWorld(randomTopology(2, 'exchange', pair()), 'exchange', cursorsOnly);
  uploadChunks(world, 0, 1000);
  uploadChunks(world, 1, 1000);
  const initial = [binCursors(world, 0), binCursors(world, 1)];
  world.start();
  assert.ok(world.runUntilQuiescent(world.now + 10 * SECOND), 'the exchange settles');
  const all = expectedBins(nodePO(world, 0, 1), 0);
  assertCursors(cursorsFor(world, 0, 1), all, initial[1]!, 'node 0 for node 1');
  assertCursors(cursorsFor(world, 1, 0), all, initial[0]!, 'node 1 for node 0');
});

for (const seed of [1, 2, 3]) test(`as nodes join a pivot one by one, it holds cursors only for bins >= its depth of each in-depth peer (seed ${seed})`, () => {
  const NODES = 7;
  const PIVOT = 0;
  const world = makeWorld(randomTopology(NODES, `dynamic-${seed}`, pair()), `dynamic-${seed}`, cursorsOnly);
  const initial: number[][] = [];
  for (let n = 0; n < NODES; n++) {
    uploadChunks(world, n, 500);
    initial.push(binCursors(world, n));
  }
  world.start();
  let checked = 0;
  for (let newest = 1; newest < NODES; newest++) {
    if (newest > 1) world.connect(PIVOT, newest);
    assert.ok(world.runUntilQuiescent(world.now + 10 * SECOND), `node ${newest} joined`);
    assert.ok(cursorsFor(world, PIVOT, newest).size > 0, `the pivot has cursors for node ${newest}`);
    assert.ok(cursorsFor(world, newest, PIVOT).size > 0, `node ${newest} has cursors for the pivot`);
    const depth = world.nodes[PIVOT]!.kad.depth;
    for (let i = 1; i < newest; i++) {
      const po = nodePO(world, i, PIVOT);
      if (po < depth) continue; // Go leaves nodes outside the depth unchecked
      assertCursors(cursorsFor(world, PIVOT, i), expectedBins(po, depth), initial[i]!, `pivot for node ${i} (PO ${po}, depth ${depth})`);
      checked++;
    }
  }
  assert.ok(checked > 0, 'some in-depth peer was checked');
});

/**
 * TestCorrectCursorsExchangeRace: the other node is a mock that records every StreamInfoReq of the pivot and
 * answers nothing by itself; 15 fake peers at POs 0..14 raise the pivot's depth, then leave one by one. After
 * each change the test hands the pivot the answers to the requests recorded since the last round, in random
 * order, each once (Go pops them), and checks the pivot holds a cursor for exactly the bins it should pull.
 * Returns the first bin that disagreed, or undefined when every round agreed.
 */
function cursorsExchangeRace(seed: number, mutants: Mutant[] = []): string | undefined {
  const PIVOT = 0;
  const OTHER = 1;
  const FAKES = 15;
  const rng = createRng(`race-${seed}`);
  const world = makeWorld(randomTopology(2, `race-${seed}`, pair()), `race-${seed}`, { protocol: { autostart: false, mutants } });
  const unanswered: StreamInfoReq[] = [];
  let requests = 0;
  world.observe({
    sent: (from, to, msg) => {
      if (from !== PIVOT || to !== OTHER || msg.type !== MsgType.StreamInfoReq) return;
      unanswered.push(msg as StreamInfoReq);
      requests++;
    },
  });
  world.pause(OTHER);
  world.start();
  world.runUntil(50 * MS);

  const otherPO256 = world.nodes[PIVOT]!.peers.get(OTHER)!.po256;
  const po = nodePO(world, PIVOT, OTHER);
  const fakes: number[] = [];
  for (let i = 0; i < FAKES; i++) {
    world.fakePeer(PIVOT, i, true);
    fakes.push(i);
    world.runUntil(world.now + 50 * MS);
  }

  const feedAndCheck = (): string | undefined => {
    const depth = depthFromPOs([otherPO256, ...fakes], 2);
    assert.is(world.nodes[PIVOT]!.kad.depth, depth, 'kademlia depth');
    const answers: StreamInfoRes[] = unanswered.splice(0).map((r) => ({ type: 1, bins: r.bins, cursors: r.bins }));
    const peer = world.nodes[PIVOT]!.peers.get(OTHER)!;
    for (const res of shuffle(rng.fork(`feed:${fakes.length}`), answers)) world.nodes[PIVOT]!.client.onStreamInfoRes(peer, res);
    const want = expectedBins(po, depth);
    const have = cursorsFor(world, PIVOT, OTHER);
    for (const [b, c] of have) assert.is(c, b, `bin ${b} cursor comes from the mock`);
    for (let b = 0; b < BINS; b++) {
      if (have.has(b) !== want.includes(b)) return `bin ${b}: cursor ${have.has(b) ? 'held' : 'missing'} (PO ${po}, depth ${depth}, ${fakes.length} fakes)`;
    }
    return undefined;
  };

  let wrong = feedAndCheck();
  while (fakes.length > 0 && wrong === undefined) {
    const [gone] = fakes.splice(rng.int(fakes.length), 1);
    world.fakePeer(PIVOT, gone!, false);
    world.runUntil(world.now + 50 * MS);
    wrong = feedAndCheck();
  }
  assert.ok(requests > 1, 'the pivot re-subscribed as its depth changed');
  return wrong;
}

for (const seed of [1, 2, 3]) {
  test(`cursors follow the depth when cursor answers arrive in random order while fake peers come and go (seed ${seed})`, () => {
    assert.is(cursorsExchangeRace(seed), undefined);
  });

  test(`the race port fails a syncer that resubscribes only the first newly wanted bin (seed ${seed})`, () => {
    const wrong = cursorsExchangeRace(seed, ['resubscribeFirstBin']);
    assert.ok(wrong?.includes('missing'), `caught: ${wrong}`);
  });
}

test.run();
