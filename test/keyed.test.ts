import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { KeyedPicker, POINTS } from '../src/core/keyed-pick.js';
import { Keyed, below, compareKeys, drawAt, key, subKey, textKey, wordsKey, type Key } from '../src/core/keyed.js';
import { createRng } from '../src/core/rng.js';
import { MS } from '../src/core/units.js';
import { Channels, LinkDraws, transit, type LinkModel } from '../src/net/links.js';

const domain = (seed: number | string, name = 'test') => Keyed.of(createRng(seed), name);
const draws = (k: Keyed, of: Key, n: number) => Array.from({ length: n }, (_, i) => k.u32(of, i));

test('a draw is a function of seed, domain, key and ordinal only', () => {
  const a = domain(1);
  assert.equal(draws(a, key(7, 8), 20), draws(domain(1), key(7, 8), 20));
  assert.is(a.u32(key(7, 8), 5), a.u32(key(7, 8), 5), 'asking again gives the same value: no state');
  assert.not.equal(draws(a, key(7, 8), 20), draws(domain(2), key(7, 8), 20), 'another seed');
  assert.not.equal(draws(a, key(7, 8), 20), draws(domain(1, 'other'), key(7, 8), 20), 'another domain');
  assert.not.equal(draws(a, key(7, 8), 20), draws(a, key(8, 7), 20), 'another key (word order counts)');
});

test('the scheme is pinned: these values are what every machine draws', () => {
  // murmur3's block mix and finaliser over (seed words, key words, ordinal), checked against an independent
  // implementation in Python's arbitrary-precision integers; a change here changes every run
  assert.equal([key(1, 2).hi, key(1, 2).lo], [3415096096, 2760384451]);
  assert.equal([textKey('upload').hi, textKey('upload').lo], [3781490066, 3477165068]);
  assert.equal(draws(domain(1), key(1, 2), 3), [1678087923, 3392605987, 3884323625]);
});

test('keys come from words, address words, text and parts of keys, and differ where their content does', () => {
  const addr = new Uint32Array([0xdeadbeef, 1, 2, 3, 4, 5, 6, 7, 0xdeadbeef, 1, 2, 3, 4, 5, 6, 8]);
  assert.equal(wordsKey(addr, 0, 8), key(0xdeadbeef, 1, 2, 3, 4, 5, 6, 7));
  assert.not.equal(wordsKey(addr, 0, 8), wordsKey(addr, 8, 8));
  assert.equal(subKey(key(1), 2), key(key(1).hi, key(1).lo, 2));
  assert.not.equal(subKey(key(1), 2), subKey(key(1), 3));
  assert.not.equal(textKey('a'), textKey('b'));
  assert.not.equal(key(2 ** 32 + 5), key(5), 'a word beyond 32 bits is not cut to its low part');
  assert.is(compareKeys(key(1), key(1)), 0);
  assert.is(Math.sign(compareKeys(key(1), key(2))), -Math.sign(compareKeys(key(2), key(1))));
});

test('int(n) is uniform in [0, n), exact up to n = 2^32, where it is the raw draw', () => {
  const k = domain('ints');
  const counts = new Array<number>(10).fill(0);
  for (let i = 0; i < 100_000; i++) counts[k.int(key(3), i, 10)]!++;
  for (const c of counts) assert.ok(c > 9_500 && c < 10_500, `bucket count ${c}`);
  for (let i = 0; i < 100; i++) {
    assert.is(k.int(key(3), i, 2 ** 32), k.u32(key(3), i));
    assert.is(k.int(key(3), i, 1), 0);
    const big = k.int(key(3), i, 6_000_001);
    assert.ok(Number.isInteger(big) && big >= 0 && big <= 6_000_000);
  }
  assert.throws(() => k.int(key(3), 0, 0));
});

test('below(u, n) is floor(u * n / 2^32) exactly, on both sides of 2^21', () => {
  const k = domain('below');
  for (let i = 0; i < 2000; i++) {
    const u = k.u32(key(5), i);
    for (const n of [1, 7, 45_001, 2 ** 21, 2 ** 21 + 1, 6_000_001, 2 ** 31 + 3, 2 ** 32]) {
      assert.is(BigInt(below(u, n)), (BigInt(u) * BigInt(n)) >> 32n, `below(${u}, ${n})`);
    }
  }
  assert.throws(() => below(5, 2.5));
});

test('a prepared key draws what the key draws', () => {
  const k = domain('prepared');
  for (let i = 0; i < 100; i++) assert.is(drawAt(k.prepare(key(6, 7)), i), k.u32(key(6, 7), i));
});

test('unit() is in [0, 1) and a sequence numbers its draws from 0', () => {
  const k = domain('seq');
  for (let i = 0; i < 1000; i++) {
    const u = k.unit(key(4), i);
    assert.ok(u >= 0 && u < 1);
  }
  const s = k.sequence(key(9));
  assert.equal([s.u32(), s.u32(), s.next(), s.int(1000)], [k.u32(key(9), 0), k.u32(key(9), 1), k.unit(key(9), 2), k.int(key(9), 3, 1000)]);
});

test('transit draws the latency of the k-th message of a direction, and counts every message', () => {
  const keyed = domain('latency');
  const uniform: LinkModel = { latency: { uniform: [5 * MS, 50 * MS] }, bandwidth: Infinity, processing: 0 };
  const constant: LinkModel = { latency: { constant: 20 * MS }, bandwidth: Infinity, processing: 0 };
  const d = new LinkDraws(keyed.prepare(key(1)), keyed.prepare(key(2)));
  const ch = new Channels();
  const now = (k: number) => k * 1_000_000; // a second apart: FIFO never holds one back
  assert.is(transit(now(0), 100, ch, 0, uniform, d) - now(0), 5 * MS + keyed.int(key(1), 0, 45 * MS + 1));
  assert.is(transit(now(1), 100, ch, 0, constant, d) - now(1), 20 * MS);
  assert.is(transit(now(2), 100, ch, 0, uniform, d) - now(2), 5 * MS + keyed.int(key(1), 2, 45 * MS + 1), 'the constant message took ordinal 1');
  assert.is(transit(now(3), 100, ch, 1, uniform, d) - now(3), 5 * MS + keyed.int(key(2), 0, 45 * MS + 1), 'the other direction counts its own');
  assert.equal([d.sent0, d.sent1], [3, 1]);
});

const members = (n: number, from = 0) => Array.from({ length: n }, (_, i) => key(1000 + from + i));

test('a pick stays where it was when another member goes; picks of the one that went move', () => {
  const k = domain('pick');
  const all = members(40);
  const picker = new KeyedPicker(k, all);
  const fewer = new KeyedPicker(k, all.filter((_, i) => i !== 17));
  let moved = 0;
  for (let i = 0; i < 2000; i++) {
    const before = picker.pick(key(5), i);
    const after = fewer.pick(key(5), i);
    if (before === 17) moved++;
    else assert.is(after, before > 17 ? before - 1 : before, `pick ${i}`);
  }
  assert.ok(moved > 20, `${moved} picks landed on the member that went`);
});

test('a pick passes over members that are not eligible, and finds none when none is', () => {
  const k = domain('pick');
  const picker = new KeyedPicker(k, members(10));
  const eligible = Array.from({ length: 10 }, (_, i) => i % 3 === 0);
  for (let i = 0; i < 500; i++) {
    const p = picker.pick(key(6), i, eligible);
    assert.ok(eligible[p], `pick ${i} gave ${p}`);
    if (eligible[picker.pick(key(6), i)!]) assert.is(p, picker.pick(key(6), i), 'an eligible first choice stands');
  }
  assert.is(picker.pick(key(6), 0, new Array<boolean>(10).fill(false)), -1);
  assert.is(new KeyedPicker(k, []).pick(key(6), 0), -1);
});

test('every member gets a share of the picks near 1/n', () => {
  const n = 64;
  const picker = new KeyedPicker(domain('share'), members(n));
  const counts = new Array<number>(n).fill(0);
  const picks = 64_000;
  for (let i = 0; i < picks; i++) counts[picker.pick(key(7), i)]!++;
  // POINTS points per member: shares vary by about 1/sqrt(POINTS) around 1/n
  const spread = 4 / Math.sqrt(POINTS);
  for (const c of counts) assert.ok(Math.abs((c * n) / picks - 1) < spread, `share ${(c * n) / picks}`);
});

test('the same members in another order give the same picks', () => {
  const k = domain('order');
  const m = members(30);
  const reversed = [...m].reverse();
  const a = new KeyedPicker(k, m);
  const b = new KeyedPicker(k, reversed);
  for (let i = 0; i < 300; i++) assert.is(29 - b.pick(key(8), i), a.pick(key(8), i));
});

test.run();
