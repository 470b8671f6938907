import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { EventQueue } from '../src/core/queue.js';
import { Engine } from '../src/core/engine.js';
import { Fingerprint } from '../src/core/fingerprint.js';
import { createRng, type Rng } from '../src/core/rng.js';

interface Ev {
  time: number;
  seq: number;
  kind: number;
  a: number;
  b: number;
  c: number;
}

/** Random events with few distinct times, so most share a time with many others. */
function randomEvents(rng: Rng, n: number, distinctTimes: number): Ev[] {
  const out: Ev[] = [];
  for (let i = 0; i < n; i++) {
    out.push({ time: rng.int(distinctTimes) * 1000, seq: i, kind: rng.int(8), a: rng.int(1 << 20), b: -rng.int(500), c: rng.int(2 ** 40) });
  }
  return out;
}

const byTimeThenSeq = (x: Ev, y: Ev): number => x.time - y.time || x.seq - y.seq;

function popOne(q: EventQueue): Ev {
  assert.ok(q.pop(), 'pop() returns true while events remain');
  return { time: q.time, seq: q.seq, kind: q.kind, a: q.a, b: q.b, c: q.c };
}

test('10000 random events with many ties come out in (time, insertion order) order', () => {
  const events = randomEvents(createRng('queue-ties'), 10_000, 50);
  const q = new EventQueue(4);
  for (const e of events) q.push(e.time, e.kind, e.a, e.b, e.c, e);
  assert.is(q.size, 10_000);
  const expected = [...events].sort(byTimeThenSeq);
  for (let i = 0; i < expected.length; i++) {
    const want = expected[i]!;
    const got = popOne(q);
    assert.equal(got, want, `event ${i}`);
    assert.is(q.payload, want, `payload of event ${i}`);
  }
  assert.is(q.size, 0);
  assert.not.ok(q.pop(), 'pop() on an empty queue returns false');
  assert.is(q.peekTime(), Infinity);
});

test('interleaved pushes and pops always give the earliest pending event, ties in insertion order', () => {
  const rng = createRng('queue-interleaved');
  const q = new EventQueue(2);
  const pending: Ev[] = [];
  let seq = 0;
  let now = 0;
  let popped = 0;
  for (let step = 0; step < 20_000; step++) {
    if (pending.length === 0 || rng.next() < 0.55) {
      // never schedule in the past, like the engine: times are >= the last popped time
      const e: Ev = { time: now + rng.int(5) * 10, seq: seq++, kind: rng.int(4), a: step, b: 0, c: 0 };
      q.push(e.time, e.kind, e.a, e.b, e.c);
      pending.push(e);
    } else {
      pending.sort(byTimeThenSeq);
      const want = pending.shift()!;
      assert.is(q.peekTime(), want.time, `peekTime at step ${step}`);
      const got = popOne(q);
      assert.equal(got, want, `pop at step ${step}`);
      now = got.time;
      popped++;
    }
    assert.is(q.size, pending.length);
  }
  assert.ok(popped > 5000, 'the sequence pops often enough to exercise slot reuse');
});

test('the queue reuses freed slots and releases payload references', () => {
  const q = new EventQueue(2);
  const obj = { big: true };
  q.push(5, 0, 0, 0, 0, obj);
  q.pop();
  assert.is(q.payload, obj);
  q.push(7, 1, 0, 0, 0);
  q.pop();
  assert.is(q.payload, undefined, 'an event pushed without payload does not see the old one');
});

/** Runs an engine over a script of (time, kind, a) events, recording the order in which handlers ran. */
function runScript(script: readonly (readonly [number, number, number])[]): { order: string[]; hex: string; engine: Engine } {
  const engine = new Engine();
  const order: string[] = [];
  for (const name of ['alpha', 'beta', 'gamma']) {
    engine.register(name, (a, b, c) => order.push(`${engine.now}:${name}:${a}:${b}:${c}`));
  }
  for (const [time, kind, a] of script) engine.at(time, kind, a, a + 1, a + 2);
  engine.run();
  return { order, hex: engine.fingerprint.hex(), engine };
}

test('the engine processes events in time order, ties in scheduling order, advancing its clock', () => {
  const { order, engine } = runScript([
    [30, 0, 1],
    [10, 1, 2],
    [30, 2, 3],
    [10, 0, 4],
    [20, 2, 5],
  ]);
  assert.equal(order, ['10:beta:2:3:4', '10:alpha:4:5:6', '20:gamma:5:6:7', '30:alpha:1:2:3', '30:gamma:3:4:5']);
  assert.is(engine.now, 30);
  assert.is(engine.processed, 5);
  assert.is(engine.fingerprint.count, 5);
});

test('events scheduled by handlers run after the current one, and run(until) stops the clock at until', () => {
  const engine = new Engine();
  const seen: number[] = [];
  const tick = engine.register('tick', (a) => {
    seen.push(engine.now);
    if (a > 0) engine.after(100, tick, a - 1);
  });
  engine.at(0, tick, 5);
  engine.run(250);
  assert.equal(seen, [0, 100, 200]);
  assert.is(engine.now, 250);
  engine.run();
  assert.equal(seen, [0, 100, 200, 300, 400, 500]);
  assert.throws(() => engine.at(10, tick), /past/);
});

test('equal event sequences give equal fingerprints', () => {
  const script = randomScript(createRng('fp'), 500);
  assert.is(runScript(script).hex, runScript(script).hex);
  assert.match(runScript(script).hex, /^[0-9a-f]{16}$/);
});

test('changing one event argument or time changes the fingerprint', () => {
  const script = randomScript(createRng('fp'), 500);
  const base = runScript(script).hex;
  const argChanged = script.map((e, i) => (i === 250 ? ([e[0], e[1], e[2] + 1] as const) : e));
  const timeChanged = script.map((e, i) => (i === 250 ? ([e[0] + 1, e[1], e[2]] as const) : e));
  const kindChanged = script.map((e, i) => (i === 250 ? ([e[0], (e[1] + 1) % 3, e[2]] as const) : e));
  assert.is.not(runScript(argChanged).hex, base);
  assert.is.not(runScript(timeChanged).hex, base);
  assert.is.not(runScript(kindChanged).hex, base);
});

test('the same events processed in another order give a different fingerprint', () => {
  const script: (readonly [number, number, number])[] = [
    [10, 0, 1],
    [10, 1, 2],
    [20, 2, 3],
  ];
  const swapped = [script[1]!, script[0]!, script[2]!];
  const a = runScript(script);
  const b = runScript(swapped);
  assert.equal([...a.order].sort(), [...b.order].sort(), 'the same set of events ran');
  assert.is.not(a.hex, b.hex);
});

test('one extra event changes the fingerprint', () => {
  const script = randomScript(createRng('fp'), 100);
  assert.is.not(runScript([...script, [1_000_000, 0, 0]]).hex, runScript(script).hex);
});

test('the fingerprint of an event covers its time, kind and each of its three arguments', () => {
  const hexOf = (...events: [number, number, number, number, number][]): string => {
    const f = new Fingerprint();
    for (const e of events) f.event(...e);
    return f.hex();
  };
  const base: [number, number, number, number, number] = [1_000_000, 3, 17, -5, 2 ** 40 + 9];
  const variants = new Set([hexOf(base)]);
  for (let field = 0; field < 5; field++) {
    const changed = [...base] as [number, number, number, number, number];
    changed[field] = changed[field]! + 1;
    variants.add(hexOf(changed));
  }
  assert.is(variants.size, 6, 'changing any one field changes the hash');
  assert.is.not(hexOf([2 ** 33, 0, 0, 0, 0]), hexOf([0, 0, 0, 0, 0]), 'the high part of a large time counts');
  assert.is.not(hexOf(base, base), hexOf(base), 'the number of events counts');
});

function randomScript(rng: Rng, n: number): (readonly [number, number, number])[] {
  const out: (readonly [number, number, number])[] = [];
  for (let i = 0; i < n; i++) out.push([rng.int(20) * 7, rng.int(3), rng.int(1000)]);
  return out;
}

test.run();
