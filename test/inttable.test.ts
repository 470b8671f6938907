import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Int32Arena } from '../src/core/arena.js';
import { IntTable } from '../src/core/inttable.js';
import { createRng } from '../src/core/rng.js';

for (const [where, arena] of [['its own memory', undefined], ['an arena', new Int32Arena()]] as const) {
  test(`an IntTable in ${where} answers like a Map through 100000 random sets, adds and deletes`, () => {
    const rng = createRng('inttable');
    const t = new IntTable(arena);
    const m = new Map<number, number>();
    for (let step = 0; step < 100_000; step++) {
      const key = rng.int(5000) * 7919; // spread keys, with many repeats
      const value = rng.int(1 << 30);
      const op = rng.next();
      if (op < 0.4) assert.is(t.set(key, value), m.get(key) ?? -1, `set at step ${step}`), m.set(key, value);
      else if (op < 0.7) {
        const had = m.get(key);
        assert.is(t.add(key, value), had ?? -1, `add at step ${step}`);
        if (had === undefined) m.set(key, value);
      } else if (op < 0.85) {
        assert.is(t.delete(key), m.get(key) ?? -1, `delete at step ${step}`);
        m.delete(key);
      } else assert.is(t.get(key), m.get(key) ?? -1, `get at step ${step}`);
      assert.is(t.size, m.size);
    }
    const seen = new Map<number, number>();
    t.forEach((k, v) => seen.set(k, v));
    assert.equal([...seen].sort((a, b) => a[0] - b[0]), [...m].sort((a, b) => a[0] - b[0]));
  });
}

test('many IntTables growing side by side in one arena never overwrite each other', () => {
  const arena = new Int32Arena();
  const tables = Array.from({ length: 300 }, () => new IntTable(arena));
  const rng = createRng('arena');
  for (let step = 0; step < 60_000; step++) {
    const i = rng.int(tables.length);
    tables[i]!.set(step, i); // every key once, in one table: the value names the table
  }
  tables.forEach((t, i) => t.forEach((_key, value) => assert.is(value, i)));
  assert.is(tables.reduce((n, t) => n + t.size, 0), 60_000);
});

test('an IntTable emptied by deletes and filled again keeps working (deleted pairs are reclaimed)', () => {
  const t = new IntTable();
  for (let round = 0; round < 20; round++) {
    for (let k = 0; k < 1000; k++) assert.is(t.add(round * 1000 + k, k), -1);
    for (let k = 0; k < 1000; k++) assert.is(t.delete(round * 1000 + k), k);
    assert.is(t.size, 0);
  }
  assert.is(t.get(5), -1);
  assert.ok(!t.has(19_999));
});

test('an IntTable refuses negative keys and values', () => {
  const t = new IntTable();
  assert.throws(() => t.set(-1, 0), /non-negative/);
  assert.throws(() => t.add(1, -5), /non-negative/);
});

test.run();
