/**
 * The sync provider's 10,000-entry cache (PROTOCOL.md §0, §5.2, §13): what a node put by sync or served lives
 * on in it after the chunk left the store (latent defect L6). The server's fetch of wanted chunks reads it
 * before the store, so a chunk offered and then removed is still delivered if it is there, and only a chunk in
 * neither makes the server drop the client ("chunk not found", L7). The cache is process memory: a stopped
 * node comes back without it.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MS, SECOND } from '../src/core/units.js';
import { MSG_NAMES, MsgType, type Message } from '../src/protocol/stream/messages.js';
import type { LatentDefect } from '../src/protocol/stream/options.js';
import type { StreamWorld as World } from './helpers/net.js';
import { holds, makeWorld, randomTopology, runUntil, uploadChunks, watchDrops, type Conns } from './helpers/net.js';

const CHUNK_NOT_FOUND = 'get provider: chunk not found';

function world(seed: string, conns: Conns, latentDefects: LatentDefect[]): World {
  return makeWorld(randomTopology(3, seed, conns), seed, { latency: 5 * MS, trackNeedData: true, protocol: { latentDefects } });
}

/** Runs until `server` has sent `msg` carrying `chunk` to `client`. */
function runUntilSent(w: World, server: number, client: number, type: typeof MsgType.OfferedHashes | typeof MsgType.ChunkDelivery, chunk: number): void {
  let sent = false;
  w.observe({
    sent: (from, to, wire) => {
      const m = wire as Message;
      if (from !== server || to !== client || m.type !== type) return;
      if ((m.type === MsgType.OfferedHashes ? m.hashes : m.chunks).includes(chunk)) sent = true;
    },
  });
  assert.ok(runUntil(w, () => sent, 30 * SECOND), `node ${server} sent ${MSG_NAMES[type]} with the chunk to node ${client}`);
}

/**
 * U - S - T in a line (each pulls every bin of its neighbours): U uploads a chunk, S takes it by sync and
 * offers it to T; S loses it between the offer and T's WantedHashes.
 */
function syncedThenRemoved(latentDefects: LatentDefect[]): { delivered: boolean; drops: string[] } {
  const [U, S, T] = [0, 1, 2];
  const w = world('synced', [[U, S], [S, T]], latentDefects);
  const drops = watchDrops(w);
  w.start();
  assert.ok(w.runUntilQuiescent(w.now + 10 * SECOND), 'subscriptions settle');
  const [chunk] = uploadChunks(w, U, 1);
  runUntilSent(w, S, T, MsgType.OfferedHashes, chunk!);
  assert.ok(w.removeChunk(S, chunk!), 'S held the chunk');
  w.runUntil(w.now + 30 * SECOND);
  return { delivered: holds(w, T, chunk!), drops: drops.map((d) => d.reason) };
}

test('a chunk a node took by sync and then lost is still delivered from its cache (L6)', () => {
  assert.equal(syncedThenRemoved(['L6']), { delivered: true, drops: [] });
});

test('with L6 fixed the same fetch finds the chunk nowhere and the server drops the client', () => {
  assert.equal(syncedThenRemoved([]), { delivered: false, drops: [CHUNK_NOT_FOUND] });
});

/**
 * S in the middle of T and W uploads a chunk; both pull it at once, W over a slower link: S serves T first,
 * then loses the chunk before W's WantedHashes arrives.
 */
function servedThenRemoved(latentDefects: LatentDefect[]): string[] {
  const [S, T, W] = [0, 1, 2];
  const w = world('served', [[S, T], [S, W]], latentDefects);
  w.linkModels.set(S, W, { latency: { constant: 50 * MS }, bandwidth: Infinity, processing: 0 });
  const drops = watchDrops(w);
  w.start();
  assert.ok(w.runUntilQuiescent(w.now + 10 * SECOND), 'subscriptions settle');
  const [chunk] = uploadChunks(w, S, 1);
  runUntilSent(w, S, T, MsgType.ChunkDelivery, chunk!);
  assert.ok(w.removeChunk(S, chunk!), 'S held the chunk');
  w.runUntil(w.now + 30 * SECOND);
  assert.ok(holds(w, T, chunk!), 'T got it before the removal');
  assert.ok(holds(w, W, chunk!), 'W gets it in the end');
  return drops.map((d) => d.reason);
}

test('an uploaded chunk a node served and then lost is still delivered from its cache to the next client (L6)', () => {
  assert.equal(servedThenRemoved(['L6']), []);
});

test('with L6 fixed the next client of the lost chunk is dropped (and gets it after the redial: T offered it back to S)', () => {
  assert.equal(servedThenRemoved([]), [CHUNK_NOT_FOUND]);
});

/**
 * U - S and S - T, the second link only from the middle of the run: S takes a chunk from U by sync (it enters
 * S's cache), optionally stops and starts again, then meets T, offers the chunk in its history and loses it
 * before T's WantedHashes arrives.
 */
function removedAfterRestart(restart: boolean): { delivered: boolean; drops: string[]; sNeedsItBack: boolean } {
  const [U, S, T] = [0, 1, 2];
  const w = world('restart', [[U, S]], ['L6']);
  const drops = watchDrops(w);
  w.start();
  assert.ok(w.runUntilQuiescent(w.now + 10 * SECOND), 'subscriptions settle');
  const [chunk] = uploadChunks(w, U, 1);
  assert.ok(runUntil(w, () => holds(w, S, chunk!), 10 * SECOND), 'S took the chunk by sync');
  if (restart) {
    w.stop(S);
    w.restart(S);
    assert.ok(w.runUntilQuiescent(w.now + 30 * SECOND), 'S is back with U');
  }
  w.connect(S, T);
  runUntilSent(w, S, T, MsgType.OfferedHashes, chunk!);
  w.removeChunk(S, chunk!);
  const sNeedsItBack = w.nodes[S]!.needData(chunk!);
  w.runUntil(w.now + 30 * SECOND);
  return { delivered: holds(w, T, chunk!), drops: drops.map((d) => d.reason), sNeedsItBack };
}

test('a node that kept running still has the chunk in its cache: it delivers it and would not want it back', () => {
  assert.equal(removedAfterRestart(false), { delivered: true, drops: [], sNeedsItBack: false });
});

test('a stopped node comes back without its cache: the lost chunk is found nowhere, and it would want it back', () => {
  assert.equal(removedAfterRestart(true), { delivered: false, drops: ['node stopped', CHUNK_NOT_FOUND], sNeedsItBack: true });
});

test.run();
