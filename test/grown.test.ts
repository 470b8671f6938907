/** grown: a typed array's copy with more room, of the same kind. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { grown } from '../src/core/grown.js';

test('the copy has the same kind, the old values in front and zeros after', () => {
  const f = grown(Float64Array.of(1.5, -2), 4);
  assert.ok(f instanceof Float64Array);
  assert.equal(Array.from(f), [1.5, -2, 0, 0]);
  const i = grown(Int32Array.of(-7), 3);
  assert.ok(i instanceof Int32Array);
  assert.equal(Array.from(i), [-7, 0, 0]);
  const u = grown(Uint32Array.of(0xffffffff), 2);
  assert.ok(u instanceof Uint32Array);
  assert.equal(Array.from(u), [0xffffffff, 0]);
});

test('the original is left as it was', () => {
  const a = Int32Array.of(1, 2);
  const b = grown(a, 4);
  b[0] = 9;
  assert.equal(Array.from(a), [1, 2]);
});

test.run();
