/**
 * Port of Go's TestFullSync (PROTOCOL.md §8): an uploader and N sync nodes in a star, each sync node connected
 * only to the uploader (so depth 0: it pulls every bin). History chunks are uploaded before the nodes connect,
 * live chunks after the first phase has synced. Every sync node must hold exactly the uploader's chunk set
 * after each phase, and never receive a chunk twice. Go runs this without a hive: no redial after a drop.
 *
 * Modelling note: Go's NewInProc has no kademlia at all (depth 0 everywhere); here the uploader's kademlia
 * counts its N peers, which only changes what the uploader pulls back from the sync nodes (nothing it lacks).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SECOND } from '../src/core/units.js';
import { chunksOf, makeWorld, randomTopology, star, uploadChunks, waitChunks, watchDrops, watchDuplicates } from './helpers/net.js';

interface Case {
  chunks: number;
  syncNodes: number;
  history: boolean;
  live: boolean;
}

const cases: Case[] = [
  { chunks: 5000, syncNodes: 2, history: true, live: false },
  { chunks: 5000, syncNodes: 2, history: false, live: true },
  { chunks: 2500, syncNodes: 2, history: true, live: true },
  { chunks: 500, syncNodes: 50, history: true, live: false },
  { chunks: 500, syncNodes: 50, history: false, live: true },
  { chunks: 250, syncNodes: 50, history: true, live: true },
];

const UPLOADER = 0;

function describe(tc: Case): string {
  const kind = tc.history && tc.live ? 'history and live' : tc.history ? 'history' : 'live';
  return `${tc.syncNodes} sync nodes in a star each get exactly the uploader's ${tc.chunks} ${kind} chunks per phase, none twice`;
}

cases.forEach((tc, i) => {
  test(describe(tc), () => {
    const n = tc.syncNodes + 1;
    const world = makeWorld(randomTopology(n, `full-${i}`, star(n, UPLOADER)), `full-${i}`, { redial: false });
    const dups = watchDuplicates(world);
    const drops = watchDrops(world);
    const syncNodes = Array.from({ length: tc.syncNodes }, (_, k) => k + 1);
    const expectAll = (phase: string): void => {
      const want = chunksOf(world, UPLOADER);
      for (const s of syncNodes) assert.is(waitChunks(world, s, want.length, 10 * SECOND), want.length, `${phase}: node ${s} count`);
      assert.ok(world.runUntilQuiescent(world.now + 60 * SECOND), `${phase}: the run settles`);
      for (const s of syncNodes) assert.equal(chunksOf(world, s), want, `${phase}: node ${s} holds the uploader's set`);
    };

    if (tc.history) uploadChunks(world, UPLOADER, tc.chunks);
    world.start();
    expectAll('history');
    if (tc.live) {
      uploadChunks(world, UPLOADER, tc.chunks);
      expectAll('live');
    }
    assert.is(chunksOf(world, UPLOADER).length, tc.chunks * ((tc.history ? 1 : 0) + (tc.live ? 1 : 0)));
    assert.equal(dups.list(), [], 'no chunk synced twice');
    assert.equal(drops, [], 'no drop');
  });
});

test.run();
