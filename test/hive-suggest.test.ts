/**
 * SuggestPeer's order of bins and callable's count of retries (src/sim/suggest.ts), against hand-worked cases of the
 * Go code (network/kademlia.go): which bins a node looks in for a peer to dial, fewest peers first, then shallow
 * to deep; and after how long a known peer may be dialled again.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { allowedRetries, expectedBinSize, radiusOf, retryWait, wantedBins } from '../src/sim/suggest.js';

/** Connected peers per PO, as the hive keeps them: [bins, deepest non-empty bin, total]. */
function table(counts: Record<number, number>): [Uint16Array, number, number] {
  const bins = new Uint16Array(257);
  let max = 0;
  let size = 0;
  for (const [po, n] of Object.entries(counts)) {
    bins[Number(po)] = n;
    if (n > 0) max = Math.max(max, Number(po));
    size += n;
  }
  return [bins, max, size];
}

const wanted = (counts: Record<number, number>, nearest: number, minBinSize = 2) => {
  const [bins, max, size] = table(counts);
  return wantedBins(bins, max, size, nearest, 2, minBinSize);
};

test('with no connection, every bin up to the nearest known peer is wanted, shallow first', () => {
  assert.equal(wanted({}, 3), [0, 1, 2, 3]);
  assert.equal(wanted({}, -1), [0], 'a node that knows no one still looks in bin 0');
});

test('an empty bin comes before a bin that holds one peer, whatever their depth', () => {
  // one peer at PO 0: the bin holds 1 of the 2 it should; bins 1..3 are empty
  assert.equal(wanted({ 0: 1 }, 3), [1, 2, 3, 0]);
  assert.equal(wanted({ 0: 1, 1: 1 }, 3), [2, 3, 0, 1]);
});

test('a bin below depth that holds its expected size is not wanted; from the radius on every bin is', () => {
  // 3 peers at PO 0, 2 at PO 1, 2 at PO 2: radius 2 (the 2nd nearest), depth 2
  // expected: PO 0 -> 2 + (2 - 0 - 1) = 3 (full), PO 1 -> 2 (full), PO 2 is at the radius: counted one short
  assert.equal(wanted({ 0: 3, 1: 2, 2: 2 }, 2), [2]);
  // the same with one bin-0 peer missing: bin 0 holds 2 of 3
  assert.equal(wanted({ 0: 2, 1: 2, 2: 2 }, 2), [2, 0], 'bin 2 counts as holding 1, bin 0 holds 2');
  // a known peer deeper than every connection: the bins past the deepest connection count as empty, and come first
  assert.equal(wanted({ 0: 3, 1: 2, 2: 2 }, 5), [3, 4, 5, 2]);
});

test('MinBinSize sets how many peers a shallow bin should hold', () => {
  assert.equal(wanted({ 0: 1, 1: 1, 2: 1, 3: 1 }, 3), [0, 1, 2, 3], 'MinBinSize 2: every bin holds one short');
  // MinBinSize 1: depth 2 (radius 2); PO 0 expects 1 + (2 - 0 - 1) = 2, PO 1 expects 1 (full); from the radius on
  // a bin expects 1 and counts one short, so bins 2 and 3 count as empty
  assert.equal(wanted({ 0: 1, 1: 1, 2: 1, 3: 1 }, 3, 1), [2, 3, 0]);
});

test('the expected size of a bin grows by one for every bin between it and depth, up to MaxBinSize', () => {
  assert.is(expectedBinSize(0, 0, 2), 2);
  assert.is(expectedBinSize(0, 5, 2), 6);
  assert.is(expectedBinSize(4, 5, 2), 2);
  assert.is(expectedBinSize(0, 40, 2), 16);
});

test('the neighbourhood radius is the PO of the second-nearest connected peer, 0 with two peers or fewer', () => {
  const [bins, max, size] = table({ 0: 2, 3: 1, 7: 1 });
  assert.is(radiusOf(bins, max, size, 2), 3);
  const [b2, m2, s2] = table({ 5: 2 });
  assert.is(radiusOf(b2, m2, s2, 2), 0);
});

test("callable's loop allows one retry per halving of the time since last seen that still exceeds the interval", () => {
  const I = 4_200_000;
  assert.is(allowedRetries(0, I, 2), 0);
  assert.is(allowedRetries(I, I, 2), 0, 'not more than the interval: no retry');
  assert.is(allowedRetries(I + 1, I, 2), 1);
  assert.is(allowedRetries(2 * I + 1, I, 2), 1, 'half of it is not more than the interval');
  assert.is(allowedRetries(2 * I + 2, I, 2), 2);
  assert.is(allowedRetries(100 * I, I, 2), 7, '100 I: 100, 50, 25, 12.5, 6.25, 3.125, 1.5625 times I');
});

test('the wait for n retries is exact for an integer divisor, and a lower bound with jitter', () => {
  const I = 4_200_000;
  for (let n = 1; n <= 10; n++) {
    const w = retryWait(n, I, 2);
    assert.is(allowedRetries(w, I, 2), n, `${n} retries at ${w}`);
    assert.is(allowedRetries(w - 1, I, 2), n - 1, `${n - 1} retries just before`);
  }
  assert.is(retryWait(0, I, 2), 0, 'a fresh entry is callable at once');
  for (let n = 1; n <= 10; n++) {
    const w = retryWait(n, I, 1.7);
    assert.ok(allowedRetries(w, I, 1.7) < n, `no ${n} retries at the bound with the smallest divisor`);
    assert.ok(allowedRetries(w + 10 * 1.7 ** (n - 1), I, 1.7) >= n, `${n} retries soon after it`);
  }
});

test.run();
