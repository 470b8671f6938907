import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SECOND } from '../src/core/units.js';
import { BEE_MUTANTS, type BeeMutant } from '../src/protocol/bee/options.js';
import { beeNet } from './helpers/bee-net.js';

/** The head of a node at exactly PO `po` from address word 0. */
const at = (po: number): number => (0x80000000 >>> po) >>> 0;

test('every Bee mutant is named bee-<issue or PR number>', () => {
  assert.equal([...BEE_MUTANTS], ['bee-3700', 'bee-3643', 'bee-4290', 'bee-4337', 'bee-4443', 'bee-3444']);
});

/** X (node 0) has peers at PO 0..5, storage radius 6, Kademlia depth 4; each peer holds chunks near itself. */
function radiusDeeperThanDepth(mutants: BeeMutant[]) {
  const heads = [0, at(0), at(1), at(2), at(3), at(4), at(5)];
  const net = beeNet(heads, { bee: { mutants, networkRadius: 6 } });
  const ours: number[] = [];
  for (let p = 1; p < heads.length; p++) {
    net.link(0, p);
    for (let k = 0; k < 8; k++) net.upload(p, net.chunkAt(p, 6 + k, p * 100 + k));
    const c = net.chunkAt(0, 7, p * 100 + 50);
    net.upload(p, c);
    ours.push(c);
  }
  net.runFor(30 * SECOND);
  const x = net.nodes[0]!;
  const pulled = net.arrivals.filter(([n]) => n === 0).map(([, c]) => c);
  return { depth: x.kad.depth, radius: x.radius, outside: pulled.filter((c) => x.reserve.binOf(c) < x.radius).length, pulled, ours, net };
}

test('bee-3700: peers chosen by Kademlia depth while the radius is deeper: every pulled chunk is outside the radius', () => {
  const head = radiusDeeperThanDepth([]);
  assert.is(head.depth, 4);
  assert.is(head.radius, 6);
  assert.is(head.outside, 0, 'HEAD pulls nothing outside its radius');
  assert.is(head.pulled.length, 2, 'the chunks in its radius held by the peers at PO 4 and 5 (maxPODelta)');
  const bug = radiusDeeperThanDepth(['bee-3700']);
  assert.is(bug.outside, 16, 'the 8 deep chunks of each of the peers at PO 4 and 5, all outside radius 6');
  assert.is(bug.pulled.length, 16, 'and none of its own');
});

function warmupThenQuiet(mutants: BeeMutant[]) {
  const net = beeNet([0x00000000, 0x00000001, at(0)], { bee: { mutants } });
  const chunks = [2, 5].map((po, i) => net.chunkAt(1, po, i));
  for (const c of chunks) net.upload(1, c);
  net.link(0, 1);
  net.runFor(10 * 60 * SECOND);
  const quiet = chunks.filter((c) => net.holds(0, c)).length;
  net.link(0, 2);
  net.runFor(10 * SECOND);
  return { quiet, afterChange: chunks.filter((c) => net.holds(0, c)).length, gets: net.count('Get') };
}

test('bee-3643: the only topology change came before warm-up: no pull sync at all until another change', () => {
  assert.equal(warmupThenQuiet([]).quiet, 2);
  const bug = warmupThenQuiet(['bee-3643']);
  assert.is(bug.quiet, 0, 'ten minutes after warm-up nothing was pulled');
  assert.is(bug.afterChange, 2, 'a connection after warm-up starts it');
});

function wipedPeer(mutants: BeeMutant[]) {
  const net = beeNet([0x00000000, 0x00000001], { bee: { mutants } });
  [2, 2, 2, 3, 3].forEach((po, i) => net.upload(1, net.chunkAt(1, po, i)));
  net.link(0, 1);
  net.runFor(15 * SECOND);
  net.stop(1);
  net.runFor(2 * SECOND);
  net.nodes[1]!.wipe();
  net.start(1);
  const fresh = [2, 2, 3].map((po, i) => net.chunkAt(1, po, 100 + i));
  for (const c of fresh) net.upload(1, c);
  net.link(0, 1);
  net.runFor(60 * SECOND);
  return fresh.filter((c) => net.holds(0, c)).length;
}

test('bee-4290: a wiped peer restarts its bin IDs and no epoch reset follows: its new chunks are never pulled', () => {
  assert.is(wipedPeer([]), 3);
  assert.is(wipedPeer(['bee-4290']), 0, 'our intervals (bin 2: [1, 3], bin 3: [1, 2]) already cover its new IDs');
});

function lostChunk(mutants: BeeMutant[]) {
  const net = beeNet([0x00000000, 0x00000001], { latency: 10_000, bee: { mutants } });
  const chunks = [0, 1, 2].map((i) => net.chunkAt(1, 4, i));
  for (const c of chunks) net.upload(1, c);
  net.nodes[1]!.loseData(chunks[1]!);
  net.link(0, 1);
  net.runFor(60 * SECOND);
  return { got: chunks.map((c) => net.holds(0, c)), offers: net.count('Offer'), resets: net.count('Reset'), pending: net.nodes[1]!.pending() };
}

test('bee-4337: an offered chunk the server cannot read makes the same interval be requested again and again', () => {
  const head = lostChunk([]);
  assert.equal(head.got, [true, false, true], 'HEAD: a placeholder for the lost one, the others delivered');
  assert.is(head.resets, 0);
  assert.is(head.pending, '');
  const bug = lostChunk(['bee-4337']);
  assert.equal(bug.got, [false, false, false], 'no chunk of that page ever arrives');
  assert.ok(bug.offers > 40, `${bug.offers} offers in the 50 s after warm-up, one a page timeout`);
  assert.is(bug.resets, bug.offers);
  assert.match(bug.pending, /^page of bin 4 from 1$/, 'the server is never idle');
});

test('bee-4337 with a chunk merely evicted between Offer and Want: one failed exchange, the next page skips it', () => {
  const net = beeNet([0x00000000, 0x00000001], { latency: 10_000, bee: { mutants: ['bee-4337'] } });
  net.link(0, 1);
  net.runFor(15 * SECOND);
  const chunks = [0, 1, 2].map((i) => net.chunkAt(1, 4, i));
  for (const c of chunks) net.upload(1, c);
  while (net.count('Offer') === 0) net.runFor(1_000);
  net.nodes[1]!.removeChunk(chunks[1]!);
  net.runFor(5 * SECOND);
  assert.is(net.count('Reset'), 1, 'the Want found it gone: reset');
  assert.equal(chunks.map((c) => net.holds(0, c)), [true, false, true], 'the retry got a page without it');
});

function slowPeer(mutants: BeeMutant[], seed: string) {
  const net = beeNet([0, 1, 2, 3, 4], { bee: { mutants }, seed });
  const chunks = [2, 3, 4].map((p) => {
    const c = net.chunkAt(p, 10, p);
    net.upload(p, c);
    return c;
  });
  net.hold(1);
  for (let p = 1; p <= 4; p++) net.link(0, p);
  net.runFor(60 * SECOND);
  return chunks.filter((c) => net.holds(0, c)).length;
}

test('bee-4443: cursors fetched one peer at a time: a peer that never answers stalls every peer after it', () => {
  const seeds = ['1', '2', '3', '4', '5', '6'];
  assert.equal(seeds.map((s) => slowPeer([], s)), [3, 3, 3, 3, 3, 3], 'HEAD: the other peers sync whatever the order');
  const bug = seeds.map((s) => slowPeer(['bee-4443'], s));
  assert.ok(bug.some((n) => n < 3), `pulled per seed: ${bug}`);
  assert.ok(bug.includes(0), 'on some seed the silent peer came first and nothing was pulled');
});

function expiredBatch(mutants: BeeMutant[]) {
  const net = beeNet([0x00000000, 0x00000001], { bee: { mutants } });
  net.nodes[0]!.expireBatch(1);
  net.link(0, 1);
  net.runFor(15 * SECOND);
  net.upload(1, net.chunkAt(1, 4, 1, 1));
  net.runFor(5 * SECOND);
  const later = net.chunkAt(1, 4, 2, 2);
  net.upload(1, later);
  net.runFor(20 * SECOND);
  return net.holds(0, later);
}

test('bee-3444: a chunk of a batch expired here is a soft error that ends the live worker; later chunks never come', () => {
  assert.ok(expiredBatch([]), 'HEAD logs it and goes on');
  assert.not.ok(expiredBatch(['bee-3444']));
});

test.run();
