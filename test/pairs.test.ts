/** The checkers' shared pair index and their paged columns. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { HELD, Paged, PairIndex, SEEN, TimeColumn } from '../src/check/pairs.js';

test('a pair gets one record, the same for every checker that asks, and keeps each checker\'s flag', () => {
  const p = new PairIndex(3);
  assert.is(p.get(1, 42), -1);
  const v = p.ensure(1, 42);
  assert.is(v, 0, 'record 0, no flags');
  assert.is(p.ensure(1, 42), v);
  assert.is(p.get(2, 42), -1, 'per node');
  const w = p.ensure(2, 42);
  assert.is(w >> 2, 1, 'record 1');
  assert.is(p.records, 2);
  p.put(1, 42, v | HELD);
  p.put(1, 42, p.get(1, 42) | SEEN);
  assert.is(p.ensure(1, 42), HELD | SEEN, 'both flags, record 0');
  p.put(1, 42, p.get(1, 42) & ~HELD);
  assert.is(p.get(1, 42), SEEN);
  assert.is(p.get(2, 42), w, 'the other pair untouched');
});

test('paged columns read their initial value where nothing was written, pages apart', () => {
  const c = new Paged(Int32Array, -1);
  assert.is(c.get(5), -1);
  c.set(200_000, 7);
  assert.is(c.get(200_000), 7);
  assert.is(c.get(199_999), -1);
  assert.is(c.get(1_000_000), -1);
});

test('times: none reads -1; small, late (past 71 minutes) and fractional times come back exactly', () => {
  const t = new TimeColumn();
  assert.is(t.get(3), -1);
  for (const [r, v] of [[0, 0], [1, 123_456], [2, 0xfffffffd], [3, 0xfffffffe], [4, 5e12], [5, 2.5]] as const) t.set(r, v);
  assert.equal([0, 1, 2, 3, 4, 5].map((r) => t.get(r)), [0, 123_456, 0xfffffffd, 0xfffffffe, 5e12, 2.5]);
  t.set(4, 10);
  assert.is(t.get(4), 10, 'a late time overwritten by an early one');
  assert.is(t.get(6), -1);
});

test.run();
