import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TraceRecorder, firstDivergence } from '../src/scenario/trace.js';

function trace(events: [number, number, number, number, number][]): TraceRecorder {
  const t = new TraceRecorder();
  for (const [time, kind, a, b, c] of events) t.event(time, kind, a, b, c);
  return t;
}

const base: [number, number, number, number, number][] = [
  [0, 1, 0, 1, 8],
  [20, 0, 1, 0, 9],
  [20, 0, 2, 0, 9],
  [40, 2, 3, 7, 1],
];

test('two identical traces do not diverge', () => {
  assert.is(firstDivergence(trace(base), trace(base)), -1);
});

test('the first event that differs in time, kind or any argument is the divergence point', () => {
  for (let field = 0; field < 5; field++) {
    const other = base.map((e) => [...e] as [number, number, number, number, number]);
    other[2]![field]! += 1;
    assert.is(firstDivergence(trace(base), trace(other)), 2, `field ${field}`);
  }
});

test('two events swapped diverge at the first of them', () => {
  const swapped = [base[0]!, base[2]!, base[1]!, base[3]!];
  assert.is(firstDivergence(trace(base), trace(swapped)), 1);
});

test('a trace that stops early diverges where the shorter one ends', () => {
  assert.is(firstDivergence(trace(base), trace(base.slice(0, 3))), 3);
});

test('the recorder keeps at most its limit and counts what it dropped', () => {
  const t = new TraceRecorder(2);
  for (const e of base) t.event(...e);
  assert.is(t.length, 2);
  assert.is(t.overflow, 2);
  assert.equal(t.at(1), { index: 1, time: 20, kind: 0, a: 1, b: 0, c: 9 });
  assert.is(t.at(2), undefined);
});

test.run();
