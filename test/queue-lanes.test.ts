import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Engine } from '../src/core/engine.js';
import { createRng, type Rng } from '../src/core/rng.js';

/** A reference scheduler: one sorted list of every pending event, by (time, insertion order). */
class ReferenceQueue {
  private pending: { time: number; seq: number; a: number }[] = [];
  private seq = 0;
  now = 0;
  push(time: number, a: number): void {
    this.pending.push({ time, seq: this.seq++, a });
  }
  pop(): { time: number; a: number } | undefined {
    if (this.pending.length === 0) return undefined;
    let best = 0;
    for (let i = 1; i < this.pending.length; i++) {
      const x = this.pending[i]!;
      const y = this.pending[best]!;
      if (x.time < y.time || (x.time === y.time && x.seq < y.seq)) best = i;
    }
    const e = this.pending.splice(best, 1)[0]!;
    this.now = e.time;
    return e;
  }
}

/** What an event does next: reschedule itself after one of 12 fixed delays (more than the queue has lanes) or at a random time. */
function next(rng: Rng, now: number): { time: number; viaAfter: number | undefined } {
  if (rng.next() < 0.7) {
    const delay = [0, 5, 10, 10, 20, 20, 20, 50, 100, 200, 300, 1000][rng.int(12)]!;
    return { time: now + delay, viaAfter: delay };
  }
  return { time: now + rng.int(400), viaAfter: undefined };
}

test('events scheduled after fixed delays (in lanes) and at times (in the heap) run in exact (time, insertion) order', () => {
  const engine = new Engine();
  const reference = new ReferenceQueue();
  const rngA = createRng('lanes');
  const rngB = createRng('lanes');
  const order: string[] = [];
  const kind: number = engine.register('tick', (a) => {
    order.push(`${engine.now}:${a}`);
    if (order.length > 20_000) return;
    const n = next(rngA, engine.now);
    if (n.viaAfter !== undefined) engine.after(n.viaAfter, kind, a);
    else engine.at(n.time, kind, a);
  });
  for (let i = 0; i < 300; i++) {
    engine.at(i % 7, kind, i);
    reference.push(i % 7, i);
  }
  engine.run();
  const expected: string[] = [];
  for (let e = reference.pop(); e; e = reference.pop()) {
    expected.push(`${e.time}:${e.a}`);
    if (expected.length > 20_000) continue;
    const n = next(rngB, reference.now);
    reference.push(n.time, e.a);
  }
  assert.is(order.length, expected.length);
  assert.equal(order, expected);
  assert.is(engine.queue.size, 0);
});

test('a lane keeps its order across many pages, and run(until) stops between lane events', () => {
  const engine = new Engine();
  const seen: number[] = [];
  const kind = engine.register('t', (a) => seen.push(a));
  // 10000 timers of one delay, scheduled 1 us apart: more than two lane pages
  const at = engine.register('schedule', (a) => {
    engine.after(2_000_000, kind, a);
    if (a < 9999) engine.at(engine.now + 1, at, a + 1);
  });
  engine.at(0, at, 0);
  engine.run(2_000_000 + 4999);
  assert.is(seen.length, 5000);
  engine.run();
  assert.equal(seen, Array.from({ length: 10_000 }, (_, i) => i));
  assert.is(engine.processed, 20_000);
});

test.run();
