import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Int32Arena } from '../src/core/arena.js';
import { BitSet } from '../src/core/bitset.js';
import { createRng } from '../src/core/rng.js';

for (const [where, arena] of [['its own memory', undefined], ['an arena', new Int32Arena()]] as const) {
  test(`a BitSet in ${where} answers like a Set through 100000 random adds, deletes and lookups`, () => {
    const rng = createRng('bitset');
    const sets = [new BitSet(arena), new BitSet(arena)]; // two sets growing side by side share the arena
    const refs = [new Set<number>(), new Set<number>()];
    for (let step = 0; step < 100_000; step++) {
      const which = rng.int(2);
      const b = sets[which]!;
      const s = refs[which]!;
      // ids grow over the run as chunk ids do, with bit 31 and word edges hit
      const i = rng.next() < 0.01 ? [0, 31, 32, 63, 64][rng.int(5)]! : rng.int(1 + Math.floor(step / 2));
      const op = rng.next();
      if (op < 0.5) assert.is(b.add(i), !s.has(i), `add ${i} at step ${step}`), s.add(i);
      else if (op < 0.7) assert.is(b.delete(i), s.has(i), `delete ${i} at step ${step}`), s.delete(i);
      else assert.is(b.has(i), s.has(i), `has ${i} at step ${step}`);
    }
    for (let k = 0; k < 2; k++) for (let i = 0; i < 60_000; i++) assert.is(sets[k]!.has(i), refs[k]!.has(i), `set ${k}, ${i} at the end`);
  });
}

test('a BitSet past its words holds nothing, and deleting there changes nothing', () => {
  const b = new BitSet(undefined);
  assert.not.ok(b.has(1_000_000));
  assert.not.ok(b.delete(1_000_000));
  assert.ok(b.add(1_000_000));
  assert.ok(b.has(1_000_000));
  assert.not.ok(b.has(999_999));
  assert.not.ok(b.add(1_000_000));
});

test.run();
