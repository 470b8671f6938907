import type { Micros } from '../core/units.js';
import type { FaultMix } from '../scenario/swarm.js';
import { reproduceLine } from './result.js';

// The sweep summary (sweep-*.json): what `pullsim sweep` and `sweep-merge` write and the sweep page reads.

export interface SeedSummary {
  seed: number;
  verdict: 'pass' | 'fail';
  expectationMet: boolean;
  fingerprint: string;
  convergenceMicros: Micros;
  /** the virtual time the run stopped at */
  endMicros: Micros;
  /** when the last event that did anything happened */
  quietMicros?: Micros;
  events: number;
  messages: number;
  bytes: number;
  /** chunk deliveries (ChunkDelivery items) the transport dispatched */
  deliveries: number;
  duplicates: number;
  missing: number;
  drops: number;
  violations: number;
  firstViolation?: string;
  wallMs: number;
  /** the fault mix drawn for this seed (sweep --swarm) */
  faults?: FaultMix;
}

export interface SweepJson {
  pullsim: 1;
  kind: 'sweep';
  scenario: string;
  file: string;
  configHash: string;
  seeds: string;
  shard?: string;
  counts: { seeds: number; pass: number; fail: number; expectationMet: number };
  convergence: { p50: Micros; p90: Micros; p99: Micros; max: Micros };
  duplicates: { total: number; seedsWithDuplicates: number; max: number; shareOfDeliveries: number };
  failing: { seed: number; reason: string; reproduce: string }[];
  runs: SeedSummary[];
}

function pct(sorted: number[], p: number): number {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

export function summarize(name: string, file: string, hash: string, seedsText: string, shard: string | undefined, runs: SeedSummary[], mutant?: string, swarm?: boolean): SweepJson {
  const conv = runs.map((r) => r.convergenceMicros).sort((a, b) => a - b);
  return {
    pullsim: 1,
    kind: 'sweep',
    scenario: name,
    file,
    configHash: hash,
    seeds: seedsText,
    ...(shard ? { shard } : {}),
    counts: {
      seeds: runs.length,
      pass: runs.filter((r) => r.verdict === 'pass').length,
      fail: runs.filter((r) => r.verdict === 'fail').length,
      expectationMet: runs.filter((r) => r.expectationMet).length,
    },
    convergence: { p50: pct(conv, 0.5), p90: pct(conv, 0.9), p99: pct(conv, 0.99), max: conv[conv.length - 1] ?? 0 },
    duplicates: {
      total: runs.reduce((a, r) => a + r.duplicates, 0),
      seedsWithDuplicates: runs.filter((r) => r.duplicates > 0).length,
      max: runs.reduce((a, r) => Math.max(a, r.duplicates), 0),
      shareOfDeliveries: Math.round((10000 * runs.reduce((a, r) => a + r.duplicates, 0)) / Math.max(1, runs.reduce((a, r) => a + r.deliveries, 0))) / 10000,
    },
    failing: runs.filter((r) => !r.expectationMet).map((r) => ({ seed: r.seed, reason: r.firstViolation ?? `verdict ${r.verdict}`, reproduce: reproduceLine(file, r.seed, mutant, swarm) })),
    runs,
  };
}

