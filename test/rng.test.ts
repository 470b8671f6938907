import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createRng, shuffle, type Rng } from '../src/core/rng.js';

const draw = (rng: Rng, n: number): number[] => Array.from({ length: n }, () => rng.next());

test('the same seed gives the same sequence', () => {
  assert.equal(draw(createRng(42), 100), draw(createRng(42), 100));
  const a = createRng('seed');
  const b = createRng('seed');
  for (let i = 0; i < 100; i++) {
    assert.is(a.u32(), b.u32());
    assert.is(a.int(1000), b.int(1000));
  }
});

test('different seeds give different sequences', () => {
  assert.not.equal(draw(createRng(1), 10), draw(createRng(2), 10));
});

test('a numeric seed and its decimal string are the same seed', () => {
  assert.is(createRng(7).seed, '7');
  assert.equal(draw(createRng(7), 20), draw(createRng('7'), 20));
});

test('string seeds of any text are accepted and distinguished', () => {
  const texts = ['', 'a', 'b', 'node:17', 'ünïcödé ☃', 'a'.repeat(1000)];
  const firsts = texts.map((t) => draw(createRng(t), 4).join(','));
  assert.is(new Set(firsts).size, texts.length);
  for (const t of texts) assert.equal(draw(createRng(t), 4), draw(createRng(t), 4), `seed ${JSON.stringify(t)}`);
});

test('next() is in [0, 1)', () => {
  const rng = createRng('range');
  for (let i = 0; i < 10_000; i++) {
    const x = rng.next();
    assert.ok(x >= 0 && x < 1, String(x));
  }
});

test('int(n) stays in [0, n) and is an integer, and hits every value of a small range', () => {
  const rng = createRng('ints');
  for (const n of [1, 2, 3, 7, 17, 1000, 2 ** 32]) {
    const hits = new Set<number>();
    for (let i = 0; i < 5000; i++) {
      const x = rng.int(n);
      assert.ok(Number.isInteger(x) && x >= 0 && x < n, `int(${n}) gave ${x}`);
      hits.add(x);
    }
    if (n <= 17) assert.is(hits.size, n, `int(${n}) covers all values`);
  }
});

test('u32() gives unsigned 32-bit integers', () => {
  const rng = createRng('u32');
  let high = false;
  for (let i = 0; i < 5000; i++) {
    const x = rng.u32();
    assert.ok(Number.isInteger(x) && x >= 0 && x <= 0xffffffff, String(x));
    if (x >= 2 ** 31) high = true;
  }
  assert.ok(high, 'the top bit is set sometimes (no sign)');
});

test('a fork is deterministic from the parent seed and the name, and records both in its seed', () => {
  const f = createRng('master').fork('net');
  assert.is(f.seed, 'master/net');
  assert.equal(draw(f, 10), draw(createRng('master').fork('net'), 10));
  assert.not.equal(draw(createRng('master').fork('net'), 10), draw(createRng('master').fork('nodes'), 10));
  assert.not.equal(draw(createRng('master').fork('net'), 10), draw(createRng('other').fork('net'), 10));
});

test('drawing from one fork does not change another fork or the parent', () => {
  const reference = createRng('master');
  const refB = draw(reference.fork('node:2'), 50);
  const refParent = draw(createRng('master'), 50);

  const parent = createRng('master');
  const a = parent.fork('node:1');
  const b = parent.fork('node:2');
  draw(a, 1000); // a busy subsystem
  assert.equal(draw(b, 50), refB);
  assert.equal(draw(parent, 50), refParent);
});

test('forking does not depend on how much the parent has drawn', () => {
  const fresh = createRng('m').fork('x');
  const used = createRng('m');
  draw(used, 123);
  assert.equal(draw(used.fork('x'), 20), draw(fresh, 20));
});

test('nested forks are independent of their siblings', () => {
  const root = createRng('root');
  const net = root.fork('net');
  const link1 = net.fork('link:1');
  const expected = draw(createRng('root').fork('net').fork('link:1'), 20);
  draw(net.fork('link:0'), 100);
  draw(net, 100);
  assert.equal(draw(link1, 20), expected);
});

test('shuffle permutes in place and is reproducible from the seed', () => {
  const xs = Array.from({ length: 50 }, (_, i) => i);
  const a = shuffle(createRng('s'), [...xs]);
  const b = shuffle(createRng('s'), [...xs]);
  assert.equal(a, b);
  assert.not.equal(a, xs);
  assert.equal([...a].sort((x, y) => x - y), xs);
});

test.run();
