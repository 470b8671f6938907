import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Intervals } from '../src/protocol/intervals.js';
import { createRng } from '../src/core/rng.js';

/** An interval set with `start` and the given ranges added in order. */
function intervals(ranges: [number, number][], start = 1): Intervals {
  const iv = new Intervals(start);
  for (const [s, e] of ranges) iv.add(s, e);
  return iv;
}

test('a new interval set is empty: Next(0) is (start, unbounded) and Last is 0', () => {
  const iv = new Intervals();
  assert.is(iv.start, 1, 'the sync client creates interval sets with start 1');
  assert.equal(iv.toArray(), []);
  assert.equal(iv.next(0), [1, 0, false]);
  assert.is(iv.last(), 0);
});

test('adding a range that touches an existing one from below merges them: [[5,15]] + [2,4] = [[2,15]]', () => {
  const iv = intervals([[5, 15]]);
  iv.add(2, 4);
  assert.equal(iv.toArray(), [[2, 15]]);
});

test('adding the gap between two ranges joins all three: [[1,10],[20,30]] + [11,19] = [[1,30]]', () => {
  const iv = intervals([[1, 10], [20, 30]]);
  iv.add(11, 19);
  assert.equal(iv.toArray(), [[1, 30]]);
});

test('overlapping ranges merge; ranges one apart stay separate', () => {
  assert.equal(intervals([[5, 15], [10, 20]]).toArray(), [[5, 20]]);
  assert.equal(intervals([[5, 15], [2, 3]]).toArray(), [[2, 3], [5, 15]]);
  assert.equal(intervals([[5, 15], [16, 16]]).toArray(), [[5, 16]], 'touching from above');
  assert.equal(intervals([[5, 15], [17, 20]]).toArray(), [[5, 15], [17, 20]]);
  assert.equal(intervals([[5, 15], [7, 9]]).toArray(), [[5, 15]], 'a range inside changes nothing');
  assert.equal(intervals([[3, 4], [8, 9], [12, 14], [1, 20]]).toArray(), [[1, 20]], 'a wide range swallows several');
});

test('ranges are kept sorted whatever the order of adds', () => {
  assert.equal(intervals([[50, 60], [1, 5], [30, 40], [15, 20]]).toArray(), [[1, 5], [15, 20], [30, 40], [50, 60]]);
});

test('nothing below start is ever recorded: a range is clamped to start, one wholly below is ignored', () => {
  assert.equal(intervals([[0, 10]]).toArray(), [[1, 10]]);
  assert.equal(intervals([[0, 0]]).toArray(), []);
  assert.equal(intervals([[20, 30]], 100).toArray(), []);
  assert.equal(intervals([[50, 100]], 100).toArray(), [[100, 100]]);
  assert.equal(intervals([[50, 110]], 100).toArray(), [[100, 110]]);
});

test('Next(0) gives the first gap: before the first range, between the first two, or unbounded after the only one', () => {
  assert.equal(intervals([[5, 15]]).next(0), [1, 4, false], 'the first range does not start at start');
  assert.equal(intervals([[1, 10]]).next(0), [11, 0, false], 'one range from start: unbounded after it');
  assert.equal(intervals([[1, 10], [20, 30]]).next(0), [11, 19, false]);
  assert.equal(intervals([[1, 10], [20, 30], [40, 50]]).next(0), [11, 19, false], 'only the first gap');
});

test('Next(ceiling) clamps the gap to the ceiling: [[1,10],[20,30]] Next(15) = (11,15)', () => {
  const iv = intervals([[1, 10], [20, 30]]);
  assert.equal(iv.next(15), [11, 15, false]);
  assert.equal(iv.next(25), [11, 19, false], 'a ceiling above the gap changes nothing');
  assert.equal(intervals([[1, 10]]).next(15), [11, 15, false], 'an unbounded gap ends at the ceiling');
});

test('Next(ceiling) is empty when the gap lies wholly above the ceiling: [[1,30]] Next(25) = (25,25,true)', () => {
  assert.equal(intervals([[1, 30]]).next(25), [25, 25, true]);
  assert.equal(intervals([[1, 30]]).next(30), [30, 30, true]);
  assert.equal(intervals([[1, 30]]).next(31), [31, 31, false], 'the gap starts exactly at the ceiling: one element');
});

test('Last is the end of the last range', () => {
  assert.is(intervals([[1, 10], [20, 30]]).last(), 30);
  assert.is(intervals([[20, 30], [1, 10]]).last(), 30);
  assert.is(intervals([[5, 5]]).last(), 5);
});

test('the encoding is base36(start);s1,e1;s2,e2 with every number in base 36, as Go MarshalBinary', () => {
  assert.is(new Intervals().encode(), '1');
  assert.is(new Intervals(100).encode(), '2s');
  assert.is(intervals([[1, 10], [20, 30]]).encode(), '1;1,a;k,u');
  assert.is(intervals([[1, 9], [35, 36]]).encode(), '1;1,9;z,10');
  assert.is(intervals([[120, 130]], 100).encode(), '2s;3c,3m');
});

// Go's network/stream/intervals Test table: (start limit, initial ranges, added range) ->
// (ranges, Next(ceiling) start/end/empty, Last).
const GO_TABLE: { limit: number; initial: [number, number][]; add: [number, number]; ranges: [number, number][]; next: [number, number, boolean]; last: number; ceiling: number }[] = [
  { limit: 0, initial: [], add: [0, 0], ranges: [[0, 0]], next: [1, 0, false], last: 0, ceiling: 0 },
  { limit: 0, initial: [], add: [0, 10], ranges: [[0, 10]], next: [11, 0, false], last: 10, ceiling: 0 },
  { limit: 0, initial: [], add: [5, 15], ranges: [[5, 15]], next: [0, 4, false], last: 15, ceiling: 0 },
  { limit: 0, initial: [[0, 0]], add: [0, 0], ranges: [[0, 0]], next: [1, 0, false], last: 0, ceiling: 0 },
  { limit: 0, initial: [[0, 0]], add: [5, 15], ranges: [[0, 0], [5, 15]], next: [1, 4, false], last: 15, ceiling: 0 },
  { limit: 0, initial: [[5, 15]], add: [5, 15], ranges: [[5, 15]], next: [0, 4, false], last: 15, ceiling: 0 },
  { limit: 0, initial: [[5, 15]], add: [5, 20], ranges: [[5, 20]], next: [0, 4, false], last: 20, ceiling: 0 },
  { limit: 0, initial: [[5, 15]], add: [10, 20], ranges: [[5, 20]], next: [0, 4, false], last: 20, ceiling: 0 },
  { limit: 0, initial: [[5, 15]], add: [0, 20], ranges: [[0, 20]], next: [21, 0, false], last: 20, ceiling: 0 },
  { limit: 0, initial: [[5, 15]], add: [2, 10], ranges: [[2, 15]], next: [0, 1, false], last: 15, ceiling: 0 },
  { limit: 0, initial: [[5, 15]], add: [2, 4], ranges: [[2, 15]], next: [0, 1, false], last: 15, ceiling: 0 },
  { limit: 0, initial: [[5, 15]], add: [2, 5], ranges: [[2, 15]], next: [0, 1, false], last: 15, ceiling: 0 },
  { limit: 0, initial: [[5, 15]], add: [2, 3], ranges: [[2, 3], [5, 15]], next: [0, 1, false], last: 15, ceiling: 0 },
  { limit: 0, initial: [[0, 1], [5, 15]], add: [2, 4], ranges: [[0, 15]], next: [16, 0, false], last: 15, ceiling: 0 },
  { limit: 0, initial: [[0, 5], [15, 20]], add: [2, 10], ranges: [[0, 10], [15, 20]], next: [11, 14, false], last: 20, ceiling: 0 },
  { limit: 0, initial: [[0, 5], [15, 20]], add: [8, 18], ranges: [[0, 5], [8, 20]], next: [6, 7, false], last: 20, ceiling: 0 },
  { limit: 0, initial: [[0, 5], [15, 20]], add: [2, 17], ranges: [[0, 20]], next: [21, 0, false], last: 20, ceiling: 0 },
  { limit: 0, initial: [[0, 5], [15, 20]], add: [2, 25], ranges: [[0, 25]], next: [26, 0, false], last: 25, ceiling: 0 },
  { limit: 0, initial: [[0, 5], [15, 20]], add: [5, 14], ranges: [[0, 20]], next: [21, 0, false], last: 20, ceiling: 0 },
  { limit: 0, initial: [[0, 5], [15, 20]], add: [6, 14], ranges: [[0, 20]], next: [21, 0, false], last: 20, ceiling: 0 },
  { limit: 0, initial: [[0, 5], [15, 20], [30, 40]], add: [6, 29], ranges: [[0, 40]], next: [41, 0, false], last: 40, ceiling: 0 },
  { limit: 0, initial: [[0, 5], [15, 20], [30, 40], [50, 60]], add: [3, 55], ranges: [[0, 60]], next: [61, 0, false], last: 60, ceiling: 0 },
  { limit: 0, initial: [[0, 5], [15, 20], [30, 40], [50, 60]], add: [21, 49], ranges: [[0, 5], [15, 60]], next: [6, 14, false], last: 60, ceiling: 0 },
  { limit: 0, initial: [[0, 5], [15, 20], [30, 40], [50, 60]], add: [0, 100], ranges: [[0, 100]], next: [101, 0, false], last: 100, ceiling: 0 },
  { limit: 100, initial: [], add: [0, 0], ranges: [], next: [100, 0, false], last: 0, ceiling: 0 },
  { limit: 100, initial: [], add: [20, 30], ranges: [], next: [100, 0, false], last: 0, ceiling: 0 },
  { limit: 100, initial: [], add: [50, 100], ranges: [[100, 100]], next: [101, 0, false], last: 100, ceiling: 0 },
  { limit: 100, initial: [], add: [50, 110], ranges: [[100, 110]], next: [111, 0, false], last: 110, ceiling: 0 },
  { limit: 100, initial: [], add: [120, 130], ranges: [[120, 130]], next: [100, 119, false], last: 130, ceiling: 0 },
  { limit: 0, initial: [], add: [0, 0], ranges: [[0, 0]], next: [1, 10, false], last: 0, ceiling: 10 },
  { limit: 0, initial: [], add: [0, 9], ranges: [[0, 9]], next: [9, 9, true], last: 9, ceiling: 9 },
  { limit: 0, initial: [], add: [0, 9], ranges: [[0, 9]], next: [10, 10, false], last: 9, ceiling: 10 },
  { limit: 0, initial: [], add: [0, 10], ranges: [[0, 10]], next: [11, 15, false], last: 10, ceiling: 15 },
  { limit: 0, initial: [[0, 0]], add: [5, 15], ranges: [[0, 0], [5, 15]], next: [1, 3, false], last: 15, ceiling: 3 },
  { limit: 0, initial: [[0, 0]], add: [5, 15], ranges: [[0, 0], [5, 15]], next: [1, 4, false], last: 15, ceiling: 20 },
  { limit: 100, initial: [], add: [120, 130], ranges: [[120, 130]], next: [100, 110, false], last: 130, ceiling: 110 },
];

test('every case of the Go intervals test table gives the same ranges, Next and Last', () => {
  GO_TABLE.forEach((c, i) => {
    const iv = intervals(c.initial, c.limit);
    iv.add(...c.add);
    const what = `case #${i}: start ${c.limit}, ${JSON.stringify(c.initial)} + ${JSON.stringify(c.add)}`;
    assert.equal(iv.toArray(), c.ranges, `${what}: ranges`);
    assert.equal(iv.next(c.ceiling), c.next, `${what}: Next(${c.ceiling})`);
    assert.is(iv.last(), c.last, `${what}: Last`);
  });
});

test('every case of the Go merge table gives the same ranges when merged range by range', () => {
  const cases: [[number, number][], [number, number][], [number, number][]][] = [
    [[], [], []],
    [[[10, 20]], [], [[10, 20]]],
    [[], [[15, 25]], [[15, 25]]],
    [[[0, 100]], [[150, 250]], [[0, 100], [150, 250]]],
    [[[0, 100]], [[101, 250]], [[0, 250]]],
    [[[0, 10], [30, 40]], [[20, 25], [41, 50]], [[0, 10], [20, 25], [30, 50]]],
    [[[0, 5], [15, 20], [30, 40], [50, 60]], [[6, 25]], [[0, 25], [30, 40], [50, 60]]],
  ];
  for (const [initial, merge, expected] of cases) {
    assert.equal(intervals([...initial, ...merge], 0).toArray(), expected, JSON.stringify([initial, merge]));
  }
});

test('random adds agree with a plain set of covered ids, and Next(0) is its first missing id', () => {
  const rng = createRng('intervals-model');
  for (let round = 0; round < 200; round++) {
    const iv = new Intervals(1);
    const covered = new Set<number>();
    for (let k = 0; k < 12; k++) {
      const s = rng.int(80);
      const e = s + rng.int(8);
      iv.add(s, e);
      for (let x = Math.max(1, s); x <= e; x++) covered.add(x);
      const ranges = iv.toArray();
      const fromRanges = new Set<number>();
      ranges.forEach(([a, b], i) => {
        assert.ok(a <= b && a >= 1, `round ${round}: range ${a}..${b}`);
        if (i > 0) assert.ok(a > ranges[i - 1]![1] + 1, `round ${round}: ranges sorted, disjoint, not touching`);
        for (let x = a; x <= b; x++) fromRanges.add(x);
      });
      assert.equal([...fromRanges].sort((x, y) => x - y), [...covered].sort((x, y) => x - y), `round ${round} add ${k}`);
      let firstMissing = 1;
      while (covered.has(firstMissing)) firstMissing++;
      assert.is(iv.next(0)[0], firstMissing);
    }
  }
});

test.run();
