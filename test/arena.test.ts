import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Int32Arena } from '../src/core/arena.js';
import { createRng } from '../src/core/rng.js';

test('arena blocks never overlap through 5000 random allocations and releases of many sizes', () => {
  const arena = new Int32Arena();
  const rng = createRng('arena-blocks');
  const live: { h: number; k: number; tag: number }[] = [];
  const fill = (h: number, k: number, tag: number) => arena.slab(h).fill(tag, arena.offset(h), arena.offset(h) + (1 << k));
  const intact = (b: { h: number; k: number; tag: number }) => arena.slab(b.h).subarray(arena.offset(b.h), arena.offset(b.h) + (1 << b.k)).every((x) => x === b.tag);
  for (let step = 0; step < 5000; step++) {
    if (live.length > 0 && rng.next() < 0.45) {
      const b = live.splice(rng.int(live.length), 1)[0]!;
      assert.ok(intact(b), `block ${b.h} of 2^${b.k} was overwritten (step ${step})`);
      arena.release(b.h, b.k);
    } else {
      const k = 3 + rng.int(rng.next() < 0.05 ? 19 : 9); // mostly small, now and then up to 2^21 ints
      const h = arena.alloc(k);
      fill(h, k, step);
      live.push({ h, k, tag: step });
    }
  }
  for (const b of live) assert.ok(intact(b), `block ${b.h} of 2^${b.k} was overwritten`);
});

test('released buddies merge, so small blocks given back serve a large request without a new slab', () => {
  const arena = new Int32Arena();
  const small = Array.from({ length: 1024 }, () => arena.alloc(3)); // 8192 ints, split from one slab
  const slab = arena.slab(small[0]!);
  for (const h of small) arena.release(h, 3);
  const big = arena.alloc(13);
  assert.is(arena.slab(big), slab, 'the 8192-int block comes from the same slab');
  assert.is(arena.offset(big), 0, 'and from its start, where the small blocks were');
});

test.run();
