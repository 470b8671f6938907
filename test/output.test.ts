import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jsonPieces, writeAtomic } from '../src/cli/output.js';

test('jsonPieces makes the text JSON.stringify makes, long arrays item by item', () => {
  const big = Array.from({ length: 5000 }, (_, i) => ({ i, s: `n${i}`, skip: undefined, xs: i % 7 === 0 ? Array.from({ length: 1500 }, (_, k) => k) : [i] }));
  const values: unknown[] = [
    { a: 1, b: undefined, c: [1, undefined, null, 'x'], d: { e: big, f: () => 1 }, g: 'q"uote', h: -0, i: Infinity, j: null },
    big,
    Array.from({ length: 2000 }, (_, i) => (i % 3 === 0 ? undefined : i)),
    'plain',
    42,
    null,
    { nested: { deeper: [big.slice(0, 3)] }, when: { toJSON: () => 'custom' } },
  ];
  for (const v of values) {
    const pieces = [...jsonPieces(v)];
    assert.is(pieces.join(''), JSON.stringify(v));
    if (v === big) assert.ok(pieces.length > 5000, 'a long array comes in pieces');
  }
});

test('writeAtomic writes pieces to the file and leaves no temporary file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pullsim-output-'));
  const file = join(dir, 'sub', 'out.json');
  const value = { rows: Array.from({ length: 300_000 }, (_, i) => [i, `id-${i}`]) };
  writeAtomic(file, jsonPieces(value));
  assert.equal(JSON.parse(readFileSync(file, 'utf8')), value);
  assert.equal(readdirSync(join(dir, 'sub')), ['out.json']);
});

test.run();
