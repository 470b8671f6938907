/** Delta debugging on synthetic predicates: what it finds, that the result is 1-minimal, and how many tests it costs. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ddmin, split, type FirstFailing } from '../src/scenario/shrink/ddmin.js';

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** A sequential tester of `fails`, counting each distinct candidate once (as the shrink's cache does). */
function tester(fails: (xs: readonly number[]) => boolean): { first: FirstFailing<number>; tests: () => number; rounds: (readonly number[])[][] } {
  const seen = new Set<string>();
  const rounds: (readonly number[])[][] = [];
  return {
    first: async (candidates) => {
      rounds.push([...candidates]);
      for (const [i, c] of candidates.entries()) {
        seen.add(c.join(','));
        if (fails(c)) return i;
      }
      return undefined;
    },
    tests: () => seen.size,
    rounds,
  };
}

test('one culprit among a thousand items is found alone, in about 2 log2(n) tests', async () => {
  const t = tester((xs) => xs.includes(637));
  assert.equal(await ddmin(range(1000), t.first), [637]);
  assert.ok(t.tests() <= 25, `${t.tests()} tests`);
});

test('two culprits far apart are both kept, nothing else', async () => {
  const t = tester((xs) => xs.includes(3) && xs.includes(71));
  assert.equal(await ddmin(range(100), t.first), [3, 71]);
});

test('the result is 1-minimal: without any one of its items the predicate no longer fails', async () => {
  // fails when at least three multiples of 7 remain
  const fails = (xs: readonly number[]) => xs.filter((x) => x % 7 === 0).length >= 3;
  const t = tester(fails);
  const found = await ddmin(range(60), t.first);
  assert.ok(fails(found));
  assert.is(found.length, 3);
  for (const x of found) assert.not.ok(fails(found.filter((y) => y !== x)), `still fails without ${x}`);
});

test('when nothing at all is needed, the first candidate (the empty list) is the answer', async () => {
  const t = tester(() => true);
  assert.equal(await ddmin(range(50), t.first), []);
  assert.is(t.tests(), 1);
});

test('when every item is needed, all stay, and no candidate is tried twice', async () => {
  const t = tester((xs) => xs.length === 8);
  assert.equal(await ddmin(range(8), t.first), range(8));
  const all = t.rounds.flat().map((c) => c.join(','));
  assert.is(t.tests(), all.length, 'every candidate tried once');
});

test('candidates keep the items in their order: subsets first, then complements', async () => {
  const t = tester((xs) => xs.includes(5) && xs.includes(6));
  await ddmin(range(8), t.first);
  for (const round of t.rounds) for (const c of round) assert.equal([...c], [...c].sort((a, b) => a - b));
  const second = t.rounds[1]!;
  assert.equal(second.map((c) => c.length), [4, 4], 'the halves');
});

test('an empty list needs no test at all', async () => {
  const t = tester(() => true);
  assert.equal(await ddmin([], t.first), []);
  assert.is(t.tests(), 0);
});

test('split cuts a list into n near-equal contiguous parts, the first ones longer', () => {
  assert.equal(split(range(7), 3), [[0, 1, 2], [3, 4], [5, 6]]);
  assert.equal(split(range(4), 4), [[0], [1], [2], [3]]);
});

test.run();
