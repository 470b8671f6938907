/**
 * Port of Go's TestTwoNodesSyncWithGaps (PROTOCOL.md §8): an uploader U with gaps in its pull index, a new
 * node S connected to it; S must end with exactly U's chunks, never receive one twice, and the only drop
 * allowed is the expected "chunk not found" of the live-gap cases, healed by the hive's redial.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MS, SECOND } from '../src/core/units.js';
import { chunksOf, makeWorld, pair, randomTopology, uploadChunks, waitChunks, watchDrops, watchDuplicates } from './helpers/net.js';

type Gap = [number, number];

interface Case {
  name: string;
  chunks: number;
  gaps?: Gap[];
  live?: number;
  liveGaps?: Gap[];
}

const U = 0;
const S = 1;
const CHUNK_NOT_FOUND = 'get provider: chunk not found';

const cases: Case[] = [
  { name: 'no gaps', chunks: 100 },
  { name: 'first chunk removed', chunks: 100, gaps: [[0, 1]] },
  { name: 'one chunk removed', chunks: 100, gaps: [[60, 61]] },
  { name: 'single gap at start', chunks: 100, gaps: [[0, 5]] },
  { name: 'single gap', chunks: 100, gaps: [[5, 10]] },
  { name: 'multiple gaps', chunks: 100, gaps: [[0, 1], [10, 21]] },
  { name: 'big gaps', chunks: 100, gaps: [[0, 1], [10, 21], [50, 91]] },
  { name: 'remove all', chunks: 100, gaps: [[0, 100]] },
  { name: 'large db', chunks: 4000 },
  { name: 'large db with gap', chunks: 4000, gaps: [[1000, 3000]] },
  { name: 'live', chunks: 0, live: 100 },
  { name: 'live and history', chunks: 100, live: 100 },
  { name: 'live and history with history gap', chunks: 100, gaps: [[5, 10]], live: 100 },
  { name: 'live and history with live gap', chunks: 100, live: 100, liveGaps: [[105, 110]] },
  { name: 'live and history with gaps', chunks: 100, gaps: [[5, 10]], live: 100, liveGaps: [[105, 110]] },
];

/** Removes chunks[a..b) at U for each gap; returns how many were removed. */
function removeGaps(world: ReturnType<typeof makeWorld>, chunks: number[], gaps: Gap[]): number {
  let removed = 0;
  for (const [a, b] of gaps) for (let i = a; i < b; i++) if (world.removeChunk(U, chunks[i]!)) removed++;
  return removed;
}

cases.forEach((tc, i) => {
  const expectDrop = (tc.liveGaps ?? []).length > 0;
  const story = expectDrop ? 'is dropped once for a removed live chunk, reconnects and' : 'with no drop';
  test(`two nodes, ${tc.name}: the new node ${story} ends with exactly the uploader's chunks, none twice`, () => {
    const world = makeWorld(randomTopology(2, `gaps-${i}`, pair()), `gaps-${i}`, { trackNeedData: true });
    const dups = watchDuplicates(world);
    const drops = watchDrops(world);

    const chunks = uploadChunks(world, U, tc.chunks);
    let removed = removeGaps(world, chunks, tc.gaps ?? []);
    world.start();
    assert.is(waitChunks(world, S, tc.chunks - removed, 10 * SECOND), tc.chunks - removed, 'history synced');

    if (tc.live) {
      // Go pauses stream message dispatch on both nodes; U's running live collectors keep collecting.
      world.pause(U);
      world.pause(S);
      chunks.push(...uploadChunks(world, U, tc.live));
      removed += removeGaps(world, chunks, tc.liveGaps ?? []);
      world.runUntil(world.now + 10 * MS);
      world.resume(U);
      world.resume(S);
      const total = tc.chunks + tc.live - removed;
      assert.is(waitChunks(world, S, total, 60 * SECOND), total, 'live synced');
    }

    assert.ok(world.runUntilQuiescent(world.now + 90 * SECOND), 'the run settles');
    assert.equal(chunksOf(world, S), chunksOf(world, U), "S holds exactly U's chunks");
    assert.is(chunksOf(world, S).length, tc.chunks + (tc.live ?? 0) - removed);
    assert.equal(dups.list(), [], 'no chunk synced twice');
    if (expectDrop) {
      // U uploaded the removed live chunks itself and never served them: they are in neither U's sync cache nor
      // its store when S's WantedHashes asks for them (SyncNode.fetch), so U drops S as Go's U does.
      assert.equal(drops.map((d) => d.reason), [CHUNK_NOT_FOUND], 'one drop, for the removed live chunk');
      assert.ok(world.isLinked(U, S), 'the hive redialled');
    } else {
      assert.equal(drops, [], 'no drop');
    }
  });
});

test.run();
