import { hashString } from '../core/fingerprint.js';
import { upperBound } from '../core/sorted.js';
import type { Micros } from '../core/units.js';
import type { RunOutcome } from '../scenario/runner.js';
import type { Scenario } from '../scenario/schema.js';
import type { Topology } from '../topology/topology.js';
import { buildDiagnosis, type DiagnosisResult } from './diagnosis-result.js';

/** result.json: the contract later tools (report, compare, gate) read. */
export interface ResultJson {
  pullsim: 1;
  scenario: string;
  description: string;
  seed: number;
  config: Record<string, unknown>;
  configHash: string;
  fingerprint: string;
  verdict: 'pass' | 'fail';
  expect: Scenario['expect'];
  expectationMet: boolean;
  reproduce: string;
  /** what makes the verdict say less than it seems (see RunOutcome.warnings) */
  warnings: string[];
  violations: { kind: string; chunk?: string; node?: string; nodeIndex?: number; at: Micros; detail: string }[];
  truncated: Record<string, number>;
  metrics: Metrics;
  /** `radius`: Bee runs only, the storage radius each node announced last (as the checker observed it) */
  nodes: { index: number; id: string; depth: number; up: boolean; stored: number; radius?: number }[];
  links: [string, string][];
  /** `holders`: indexes into `nodes` (a 10k-node run has tens of millions of holders: ids would be 66 bytes each) */
  chunks: { addr: string; origin: string; holders: number[]; deliveries: number; aor: number; aorHeld: number; goOracle?: { expected: number; reached: number } }[];
  series: Series;
  /** faults, depth and subscriptions over time, per-node trouble, causes of duplicates (absent in older files) */
  diagnosis?: DiagnosisResult;
}

export interface Metrics {
  nodes: number;
  chunks: number;
  convergenceMicros: Micros;
  /** the virtual time the run stopped at (quiescence: its last event, often a timer that found nothing to do) */
  endMicros: Micros;
  /** when the last event that did anything happened (later cancelled timers only ran out) */
  quietMicros: Micros;
  /** false when the run stopped at run.maxTime (or run.until) with events still pending */
  quiescent: boolean;
  pendingEvents: number;
  events: number;
  messages: Record<string, number>;
  messagesTotal: number;
  bytes: number;
  deliveries: number;
  duplicates: number;
  redundancy: number;
  aorPairs: number;
  aorHeld: number;
  drops: Record<string, number>;
  disconnects: number;
  goOracleUnreached: number;
  /** the goroutine runtime's machine: steps run, core time they took, the longest wait for a core (absent: serial) */
  machine?: { steps: number; busyMicros: number; maxWaitMicros: number };
  wallMs: number;
  /** the protocol's own measures (Bee: outOfRadius, evicted, radiusUp, radiusDown); absent when it has none */
  protocol?: Record<string, number>;
}

export interface Series {
  /** share of (chunk, AoR node) pairs held, and holders beyond the AoR per AoR pair, over virtual time */
  convergence: { t: Micros[]; aor: number[]; beyond: number[] };
  /** share of AoR pairs held over time, per responsibility threshold of the holding node (stream!: its depth; Bee: its radius) */
  byDepth: Record<string, { t: Micros[]; held: number[]; pairs: number }>;
  messages: { width: Micros; rows: Record<string, number[]> };
  bytes: { width: Micros; rows: Record<string, number[]> };
  duplicates: { width: Micros; rows: Record<string, number[]> };
  /** upload -> arrival at each AoR node (origin excluded) */
  latency: { count: number; p50: Micros; p90: Micros; p99: Micros; max: Micros; histogram: { from: Micros; to: Micros; count: number }[] };
  nodeCompletion: { index: number; depth: number; completedAt: Micros | null; pairs: number }[];
  marks: { at: Micros; label: string }[];
  degree: number[];
}

const CURVE_POINTS = 300;

/** The resolved configuration that identifies a run (everything but the seed and where the file lies). */
export function configOf(s: Scenario): Record<string, unknown> {
  // the simple hive and the serial runtime are left out, so the configs (and config hashes) of runs from before
  // those sections stay as they were
  const runtime = s.runtime.handlers === 'serial' ? {} : { runtime: s.runtime };
  return { topology: s.topology, protocol: s.protocol, ...(s.hive.model === 'go' ? { hive: s.hive } : {}), links: s.links, ...runtime, events: s.events, run: s.run, expect: s.expect };
}

export function configHash(s: Scenario, t: Topology): string {
  const topo = hashString(t.ids.join(',') + '|' + t.conns.map(([a, b]) => `${a}-${b}`).join(','));
  return hashString(JSON.stringify(configOf(s)) + topo);
}

/** The reproduce command result files keep: `file` as the caller gives it (the CLI: relative to where it ran). */
export function reproduceLine(file: string, seed: number, mutant?: string, swarm?: boolean): string {
  return `pullsim run ${file} --seed ${seed}${mutant ? ` --mutant ${mutant}` : ''}${swarm ? ' --swarm' : ''}`;
}

export function buildResult(o: RunOutcome, file: string, hash: string, mutant?: string, swarm?: boolean): ResultJson {
  const w = o.world;
  const t = w.topology;
  const v = o.verdict;
  const hexChunk = (c: number) => w.chunks.hex(c);
  const chunks = v.chunks.map((c) => ({
    addr: hexChunk(c.chunk),
    origin: t.ids[c.origin]!,
    holders: Array.from(c.holders),
    deliveries: c.deliveries,
    aor: c.aor,
    aorHeld: c.aorHeld,
    ...(c.goOracle ? { goOracle: c.goOracle } : {}),
  }));
  const messages: Record<string, number> = {};
  for (const name of o.traffic.names) if (o.traffic.messages[name]) messages[name] = o.traffic.messages[name]!;
  const diag = buildDiagnosis(o, hexChunk);
  const bee = o.scenario.protocol.kind === 'bee';
  return {
    pullsim: 1,
    scenario: o.scenario.name,
    description: o.scenario.description,
    seed: o.seed,
    config: configOf(o.scenario),
    configHash: hash,
    fingerprint: o.fingerprint,
    verdict: v.pass ? 'pass' : 'fail',
    expect: o.scenario.expect,
    expectationMet: o.expectationMet,
    reproduce: reproduceLine(file, o.seed, mutant, swarm),
    warnings: o.warnings,
    violations: v.violations.map((x) => ({
      kind: x.kind,
      ...(x.chunk !== undefined ? { chunk: hexChunk(x.chunk) } : {}),
      ...(x.node !== undefined ? { node: t.ids[x.node]!, nodeIndex: x.node } : {}),
      at: x.at,
      detail: x.detail,
    })),
    truncated: v.truncated as Record<string, number>,
    metrics: {
      nodes: t.ids.length,
      chunks: v.chunks.length,
      convergenceMicros: v.convergenceMicros,
      endMicros: w.now,
      quietMicros: w.lastActive,
      quiescent: v.quiescent,
      pendingEvents: w.engine.queue.size,
      events: w.engine.processed,
      messages,
      messagesTotal: Object.values(messages).reduce((a, b) => a + b, 0),
      bytes: o.traffic.bytes,
      deliveries: o.checks.arrivals,
      duplicates: v.duplicates,
      redundancy: v.redundancy,
      aorPairs: v.aorPairs,
      aorHeld: v.aorHeld,
      drops: o.traffic.drops,
      disconnects: o.traffic.disconnects,
      goOracleUnreached: v.chunks.reduce((a, c) => a + (c.goOracle ? c.goOracle.expected - c.goOracle.reached : 0), 0),
      ...(w.machine ? { machine: { steps: w.machine.steps, busyMicros: w.machine.busyMicros, maxWaitMicros: w.machine.maxWait } } : {}),
      wallMs: Math.round(o.wallMs),
      ...(Object.keys(o.checks.metrics).length > 0 ? { protocol: o.checks.metrics } : {}),
    },
    nodes: t.ids.map((id, i) => ({ index: i, id, depth: v.depths[i]!, up: w.up[i]!, stored: w.nodes[i]!.storedCount, ...(bee ? { radius: v.thresholds[i]! } : {}) })),
    links: w.links().map(([a, b]): [string, string] => [t.ids[a]!, t.ids[b]!]),
    chunks,
    series: buildSeries(o),
    ...(diag ? { diagnosis: diag } : {}),
  };
}

function buildSeries(o: RunOutcome): Series {
  const v = o.verdict;
  const n = o.world.nodes.length;
  const pairs = v.pairs;
  const curves = o.checks.curves;
  if (!curves) throw new Error('assertion failed: the run was made without the curves the report needs (RunOptions.details)');
  const held = [...pairs.storedAt].filter((x) => x >= 0).sort((a, b) => a - b);
  const beyond = curves.beyond;
  const end = Math.max(o.world.now, 1);
  const ts = Array.from({ length: CURVE_POINTS + 1 }, (_, i) => Math.round((end * i) / CURVE_POINTS));
  const total = Math.max(pairs.node.length, 1);
  const convergence = { t: ts, aor: ts.map((x) => upperBound(held, x) / total), beyond: ts.map((x) => upperBound(beyond, x) / total) };

  const byDepthTimes = new Map<number, { times: number[]; pairs: number }>();
  const completion = new Map<number, { at: number; pairs: number; missing: boolean }>();
  for (let i = 0; i < pairs.node.length; i++) {
    const node = pairs.node[i]!;
    const at = pairs.storedAt[i]!;
    const d = v.thresholds[node]!;
    let g = byDepthTimes.get(d);
    if (!g) byDepthTimes.set(d, (g = { times: [], pairs: 0 }));
    g.pairs++;
    if (at >= 0) g.times.push(at);
    let c = completion.get(node);
    if (!c) completion.set(node, (c = { at: 0, pairs: 0, missing: false }));
    c.pairs++;
    if (at < 0) c.missing = true;
    else if (at > c.at) c.at = at;
  }
  const byDepth: Series['byDepth'] = {};
  for (const [d, g] of [...byDepthTimes].sort((a, b) => a[0] - b[0])) {
    g.times.sort((a, b) => a - b);
    byDepth[String(d)] = { t: ts, held: ts.map((x) => upperBound(g.times, x) / g.pairs), pairs: g.pairs };
  }
  const latencies = curves.latencies;
  const degree = new Array<number>(n).fill(0);
  for (const [a, b] of o.world.links()) degree[a]!++, degree[b]!++;
  return {
    convergence,
    byDepth,
    messages: o.traffic.messageSeries.toJSON(),
    bytes: o.traffic.byteSeries.toJSON(),
    duplicates: o.checks.duplicateSeries,
    latency: latencySummary(latencies),
    nodeCompletion: [...completion].sort((a, b) => a[0] - b[0]).map(([index, c]) => ({ index, depth: v.thresholds[index]!, completedAt: c.missing ? null : c.at, pairs: c.pairs })),
    marks: o.traffic.marks,
    degree,
  };
}


function latencySummary(sorted: Float64Array): Series['latency'] {
  const q = (p: number) => (sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!);
  const max = sorted.length === 0 ? 0 : sorted[sorted.length - 1]!;
  const bins = 40;
  const width = Math.max(1, Math.ceil((max + 1) / bins));
  const histogram = Array.from({ length: bins }, (_, i) => ({ from: i * width, to: (i + 1) * width, count: 0 }));
  for (const x of sorted) histogram[Math.min(bins - 1, Math.floor(x / width))]!.count++;
  return { count: sorted.length, p50: q(0.5), p90: q(0.9), p99: q(0.99), max, histogram };
}
