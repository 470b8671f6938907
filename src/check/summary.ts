import type { Micros } from '../core/units.js';
import type { Recorder } from './checker.js';
import type { Breaches } from './properties.js';
import type { Buckets } from './series.js';
import type { Verdict } from './verdict.js';

/** The store times the report's curves need beyond the verdict, each ascending. */
export interface CheckCurves {
  /** first-store times of the pairs held at the end outside every area of responsibility */
  beyond: Float64Array;
  /** upload-to-store latency of every held AoR pair but the uploader's own */
  latencies: Float64Array;
}

/**
 * What a run's consumers (result file, sweep, gate, bench) read of the checkers besides the verdict: plain data,
 * so the checkers may live in another thread (check/thread.ts) and send it back.
 */
export interface CheckSummary {
  /** chunks carried into stores by the protocol's delivering messages */
  arrivals: number;
  duplicateSeries: ReturnType<Buckets['toJSON']>;
  /** breaches by kind: drops and the protocol's own properties */
  breaches: Record<string, number>;
  /** the protocol's own measures (Bee: deliveries outside the receiver's radius) */
  metrics: Record<string, number>;
  /** duplicates per node */
  duplicatesByNode: Int32Array;
  /** per node, the senders of its duplicate copies, most first: [node, sender, duplicates], at most 3 a node */
  duplicateSenders: [number, number, number][];
  curves: CheckCurves | undefined;
}

/** The summary of a judged run; `curves` walks every stored pair (the report's only). */
export function summarize(rec: Recorder, breaches: Breaches, metrics: Record<string, number>, v: Verdict, nodes: number, curves: boolean): CheckSummary {
  return {
    arrivals: rec.arrivals,
    duplicateSeries: rec.duplicateSeries.toJSON(),
    breaches: { ...breaches.counts },
    metrics,
    duplicatesByNode: rec.duplicatesByNode.slice(),
    duplicateSenders: topSenders(rec.duplicateSenders, nodes),
    curves: curves ? curvesOf(rec, v, nodes) : undefined,
  };
}

function curvesOf(rec: Recorder, v: Verdict, n: number): CheckCurves {
  const pairs = v.pairs;
  const aorKeys = new Set<number>();
  for (let i = 0; i < pairs.node.length; i++) aorKeys.add(pairs.chunk[i]! * n + pairs.node[i]!);
  const beyond: Micros[] = [];
  rec.storedAt.forEach((chunk, node, at) => {
    if (!aorKeys.has(chunk * n + node) && rec.holders[node]!.has(chunk)) beyond.push(at);
  });
  const latencies: Micros[] = [];
  for (let i = 0; i < pairs.node.length; i++) {
    const at = pairs.storedAt[i]!;
    const chunk = pairs.chunk[i]!;
    if (at < 0 || rec.origin.get(chunk) === pairs.node[i]) continue;
    latencies.push(at - (rec.uploadedAt.get(chunk) ?? 0));
  }
  return { beyond: Float64Array.from(beyond).sort(), latencies: Float64Array.from(latencies).sort() };
}

function topSenders(senders: Map<number, number>, n: number): [number, number, number][] {
  const all: [number, number, number][] = [...senders].map(([k, count]) => [Math.floor(k / n), k % n, count]);
  all.sort((a, b) => a[0] - b[0] || b[2] - a[2] || a[1] - b[1]);
  return all.filter((x, i) => i < 3 || all[i - 3]![0] !== x[0]);
}
