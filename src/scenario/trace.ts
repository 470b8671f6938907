import type { EventSink } from '../core/engine.js';
import { grown } from '../core/grown.js';
import type { Micros } from '../core/units.js';

/** One processed event as the engine saw it. */
export interface TraceEvent {
  index: number;
  time: Micros;
  kind: number;
  a: number;
  b: number;
  c: number;
}

/** Records processed events (up to a limit) in growable typed arrays, for --trace and divergence reports. */
export class TraceRecorder implements EventSink {
  private data = new Float64Array(5 * 4096);
  length = 0;
  overflow = 0;

  constructor(readonly limit = 20_000_000) {}

  event(time: Micros, kind: number, a: number, b: number, c: number): void {
    if (this.length >= this.limit) {
      this.overflow++;
      return;
    }
    if ((this.length + 1) * 5 > this.data.length) this.data = grown(this.data, this.data.length * 2);
    const o = this.length++ * 5;
    this.data[o] = time;
    this.data[o + 1] = kind;
    this.data[o + 2] = a;
    this.data[o + 3] = b;
    this.data[o + 4] = c;
  }

  at(index: number): TraceEvent | undefined {
    if (index >= this.length) return undefined;
    const o = index * 5;
    const d = this.data;
    return { index, time: d[o]!, kind: d[o + 1]!, a: d[o + 2]!, b: d[o + 3]!, c: d[o + 4]! };
  }
}

/** The index of the first event where two traces differ, or -1 when they are identical. */
export function firstDivergence(x: TraceRecorder, y: TraceRecorder): number {
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) {
    const a = x.at(i)!;
    const b = y.at(i)!;
    if (a.time !== b.time || a.kind !== b.kind || a.a !== b.a || a.b !== b.b || a.c !== b.c) return i;
  }
  return x.length === y.length ? -1 : n;
}
