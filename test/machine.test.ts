/**
 * The goroutine runtime's machine on its own: steps take a core for their cost, cores run in parallel, busy loops
 * stretch every step, and the keyed jitter orders steps readied together by the seed, the same way every time.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Engine } from '../src/core/engine.js';
import { Keyed, key } from '../src/core/keyed.js';
import { createRng } from '../src/core/rng.js';
import { NO_COSTS, type Timed } from '../src/protocol/env.js';
import { Machine, type RuntimeOptions } from '../src/sim/machine.js';

/** A machine whose steps record (name, finish time) when they fire; `then` submits a follow-up step. */
function machine(opts: Partial<RuntimeOptions>, seed = 1) {
  const engine = new Engine();
  const o: RuntimeOptions = { handlers: 'goroutines', cores: 1, busyLoops: 0, jitter: 0, costs: NO_COSTS, ...opts };
  const m = new Machine(engine, o, Keyed.of(createRng(seed), 'schedule'), [key(1), key(2), key(3)], {}, () => undefined);
  const done: [string, number][] = [];
  const step = (name: string, then?: () => void): Timed => ({
    fire: () => {
      done.push([name, engine.now]);
      then?.();
      return true;
    },
  });
  return { engine, m, done, step };
}

test('steps on one core run one after another, each for its cost', () => {
  const { engine, m, done, step } = machine({ cores: 1 });
  m.submit(0, 10, step('a'), 0, 0);
  m.submit(1, 20, step('b'), 0, 0);
  m.submit(2, 30, step('c'), 0, 0);
  engine.run();
  assert.equal(done, [['a', 10], ['b', 30], ['c', 60]]);
});

test('two cores run two steps at once, and a third waits for the first core to free', () => {
  const { engine, m, done, step } = machine({ cores: 2 });
  m.submit(0, 10, step('a'), 0, 0);
  m.submit(1, 20, step('b'), 0, 0);
  m.submit(2, 30, step('c'), 0, 0);
  engine.run();
  assert.equal(done, [['a', 10], ['b', 20], ['c', 40]]);
});

test('busy loops share the cores: two of them beside two cores double every step', () => {
  const { engine, m, done, step } = machine({ cores: 2, busyLoops: 2 });
  m.submit(0, 10, step('a'), 0, 0);
  m.submit(1, 10, step('b'), 0, 0);
  engine.run();
  assert.equal(done, [['a', 20], ['b', 20]]);
  assert.is(m.busyMicros, 40);
});

test("a step's follow-up queues behind steps readied before it (first come, first served without jitter)", () => {
  const { engine, m, done, step } = machine({ cores: 1 });
  m.submit(0, 10, step('a1', () => m.submit(0, 10, step('a2'), 0, 0)), 0, 0);
  m.submit(1, 10, step('b'), 0, 0);
  engine.run();
  assert.equal(done.map(([n]) => n), ['a1', 'b', 'a2']);
});

test('jitter orders steps readied together by the seed: both orders over seeds 1-50, the same order for the same seed', () => {
  const order = (seed: number) => {
    const { engine, m, done, step } = machine({ cores: 1, jitter: 50 }, seed);
    m.submit(0, 10, step('a'), 0, 0);
    m.submit(1, 10, step('b'), 0, 0);
    engine.run();
    return done.map(([n]) => n).join('');
  };
  const orders = Array.from({ length: 50 }, (_, i) => order(i + 1));
  assert.ok(orders.includes('ab') && orders.includes('ba'), orders.join(' '));
  assert.equal(Array.from({ length: 50 }, (_, i) => order(i + 1)), orders);
});

test('an idle core waits for a step that is not eligible yet (its wake-up delay), then runs it', () => {
  const { engine, m, done, step } = machine({ cores: 1, jitter: 1000 }, 3);
  m.submit(0, 10, step('a'), 0, 0);
  engine.run();
  assert.is(done.length, 1);
  assert.ok(done[0]![1] >= 10 && done[0]![1] < 1010, `finished at ${done[0]![1]}`);
  assert.is(m.pending, 0);
});

test.run();
