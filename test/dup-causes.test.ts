/**
 * Why a chunk came twice, from hand-made wire sequences: offers (OfferedHashes), wants (WantedHashes, as bit
 * vectors over the offer's hashes), deliveries and stores, as the world reports them to the observer.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DuplicateCauses } from '../src/check/stream/dup-causes.js';
import { MS, SECOND } from '../src/core/units.js';
import { MsgType, encodeWants } from '../src/protocol/stream/messages.js';

const NODE = 1;
const CHUNK = 100;

/** A wire between one client (NODE) and its servers, told to a DuplicateCauses with a 10 s batch timeout. */
function wire() {
  const dc = new DuplicateCauses(10, 10 * SECOND);
  const held = new Set<number>();
  return {
    dc,
    offer(server: number, ruid: number, hashes: number[], t: number) {
      dc.sent(server, NODE, { type: MsgType.OfferedHashes, ruid, lastIndex: 0, hashes }, 0, t);
    },
    /** the client wants the offer's hashes at `indexes` */
    want(server: number, ruid: number, n: number, indexes: number[], t: number) {
      dc.sent(NODE, server, { type: MsgType.WantedHashes, ruid, bits: encodeWants(n, (i) => indexes.includes(i)) }, 0, t);
    },
    /** a ChunkDelivery: every chunk reported, then those not held yet stored (unless the client ignores the message) */
    deliver(server: number, ruid: number, chunks: number[], t: number, ignored = false) {
      chunks.forEach((c, i) => dc.arrived(NODE, c, server, ruid, t, i));
      if (!ignored) for (const c of chunks) if (!held.has(c)) held.add(c), dc.stored(NODE, c);
    },
    result: () => dc.toJSON((c) => `c${c}`),
  };
}

test('two peers\' offers both wanted before either copy arrives: a race, the first to arrive is the first copy', () => {
  const w = wire();
  w.offer(2, 11, [CHUNK, 101], 1 * SECOND);
  w.want(2, 11, 2, [0, 1], 1 * SECOND + 5 * MS);
  w.offer(3, 12, [CHUNK], 1 * SECOND + 2 * MS);
  w.want(3, 12, 1, [0], 1 * SECOND + 8 * MS);
  w.deliver(3, 12, [CHUNK], 1 * SECOND + 40 * MS);
  w.deliver(2, 11, [CHUNK, 101], 1 * SECOND + 45 * MS);
  const r = w.result();
  assert.equal(r.causes, { race: 1, overlap: 0, held: 0, message: 0 });
  assert.equal(r.pairs, [{ first: 3, second: 2, count: 1, counts: { race: 1 } }]);
  assert.equal(r.examples, [{
    node: NODE, chunk: 'c100', cause: 'race',
    first: { from: 3, ruid: 12, offeredAt: 1_002_000, wantedAt: 1_008_000, at: 1_040_000 },
    second: { from: 2, ruid: 11, offeredAt: 1_000_000, wantedAt: 1_005_000, at: 1_045_000 },
  }]);
  assert.is(r.unsolicited, 0);
});

test('one peer\'s two ranges (two ruids) both wanted: an overlap', () => {
  const w = wire();
  w.offer(2, 11, [CHUNK], 0);
  w.want(2, 11, 1, [0], 1 * MS);
  w.offer(2, 13, [99, CHUNK], 2 * MS);
  w.want(2, 13, 2, [0, 1], 3 * MS);
  w.deliver(2, 11, [CHUNK], 30 * MS);
  w.deliver(2, 13, [99, CHUNK], 31 * MS);
  assert.equal(w.result().causes, { race: 0, overlap: 1, held: 0, message: 0 });
});

test('wanted again after the first copy was stored (while another want was still out): held, beside the race', () => {
  const w = wire();
  w.offer(2, 11, [CHUNK], 0);
  w.want(2, 11, 1, [0], 1 * MS);
  w.offer(3, 12, [CHUNK], 2 * MS);
  w.want(3, 12, 1, [0], 3 * MS);
  w.deliver(2, 11, [CHUNK], 20 * MS); // the first copy, stored
  w.offer(4, 14, [CHUNK], 25 * MS);
  w.want(4, 14, 1, [0], 26 * MS); // NeedData said yes although it was held
  w.deliver(3, 12, [CHUNK], 30 * MS);
  w.deliver(4, 14, [CHUNK], 50 * MS);
  const r = w.result();
  assert.equal(r.causes, { race: 1, overlap: 0, held: 1, message: 0 });
  assert.equal(r.pairs.map((p) => [p.first, p.second, p.count]), [[2, 3, 1], [2, 4, 1]]);
});

test('two copies in one ChunkDelivery', () => {
  const w = wire();
  w.offer(2, 11, [CHUNK], 0);
  w.want(2, 11, 1, [0], 1 * MS);
  w.deliver(2, 11, [CHUNK, CHUNK], 20 * MS);
  const r = w.result();
  assert.equal(r.causes, { race: 0, overlap: 0, held: 0, message: 1 });
  assert.equal(r.pairs, [{ first: 2, second: 2, count: 1, counts: { message: 1 } }]);
});

test('no duplicate: single wants each answered once, unwanted hashes, an empty want, and a race whose first copy was not stored', () => {
  const w = wire();
  w.offer(2, 11, [CHUNK, 101, 102], 0);
  w.want(2, 11, 3, [0, 2], 1 * MS); // 101 not wanted
  w.offer(3, 12, [101], 2 * MS);
  w.want(3, 12, 1, [], 3 * MS); // want none
  w.deliver(2, 11, [CHUNK, 102], 20 * MS);
  // a race for 200, but the copy that came first was ignored (its stream no longer wanted): the second is the first stored
  w.offer(2, 21, [200], 1 * SECOND);
  w.want(2, 21, 1, [0], 1 * SECOND);
  w.offer(3, 22, [200], 1 * SECOND);
  w.want(3, 22, 1, [0], 1 * SECOND);
  w.deliver(2, 21, [200], 1 * SECOND + 20 * MS, true);
  w.deliver(3, 22, [200], 1 * SECOND + 30 * MS);
  const r = w.result();
  assert.equal(r.causes, { race: 0, overlap: 0, held: 0, message: 0 });
  assert.equal(r.pairs, []);
  assert.is(r.unsolicited, 0);
});

test('a want on a connection that went down, or older than the batch timeout, is not outstanding: no race with a later one', () => {
  const w = wire();
  w.offer(2, 11, [CHUNK], 0);
  w.want(2, 11, 1, [0], 1 * MS);
  w.dc.disconnected(NODE, 2);
  w.offer(3, 12, [CHUNK], 10 * MS);
  w.want(3, 12, 1, [0], 11 * MS);
  w.deliver(3, 12, [CHUNK], 40 * MS);
  w.offer(4, 14, [300], 1 * SECOND);
  w.want(4, 14, 1, [0], 1 * SECOND);
  w.offer(5, 15, [300], 12 * SECOND);
  w.want(5, 15, 1, [0], 12 * SECOND); // 4's want has timed out by now
  w.deliver(5, 15, [300], 12 * SECOND + 30 * MS);
  w.deliver(2, 11, [CHUNK], 50 * MS); // from the old connection: no want for it is outstanding
  const r = w.result();
  assert.equal(r.causes, { race: 0, overlap: 0, held: 0, message: 0 });
  assert.is(r.unsolicited, 1);
});

test('examples are kept for the first five duplicates of each cause; sender pairs are counted for all', () => {
  const w = wire();
  for (let k = 0; k < 8; k++) {
    const c = 1000 + k;
    w.offer(2, 100 + k, [c], k * SECOND);
    w.want(2, 100 + k, 1, [0], k * SECOND);
    w.offer(3, 200 + k, [c], k * SECOND);
    w.want(3, 200 + k, 1, [0], k * SECOND);
    w.deliver(2, 100 + k, [c], k * SECOND + 10 * MS);
    w.deliver(3, 200 + k, [c], k * SECOND + 20 * MS);
  }
  const r = w.result();
  assert.is(r.causes.race, 8);
  assert.is(r.examples.length, 5);
  assert.equal(r.pairs, [{ first: 2, second: 3, count: 8, counts: { race: 8 } }]);
});

test.run();
