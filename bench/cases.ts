// The benchmark cases. Each runs in its own process (bench.ts spawns one per case), so the peak RSS a case
// reports is its own. Nothing here asserts on time: the figures are printed, never compared with a limit.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Engine } from '../src/core/engine.js';
import { runScenario } from '../src/scenario/runner.js';
import { parseScenario } from '../src/scenario/schema.js';
import { generateTopology } from '../src/topology/generate.js';
import { loadSnapshot } from '../src/topology/snapshot.js';
import type { Topology } from '../src/topology/topology.js';
import { repoRoot } from './root.js';

export interface CaseResult {
  name: string;
  what: string;
  /** why the case did not run (e.g. a missing snapshot) */
  skipped?: string;
  /** loading or generating the topology */
  setupMs: number;
  /** building the world and running it to quiescence (the runner's part before the verdict) */
  simMs: number;
  /** the checker: judge() over the finished run */
  checkMs: number;
  /** simMs + checkMs (the engine cases: the timed loop only) */
  wallMs: number;
  events: number;
  messages: number;
  /** chunks carried by ChunkDelivery messages to their receivers */
  deliveries: number;
  /** process.resourceUsage().maxRSS of the case's own process, in MiB */
  peakRssMiB: number;
  nodes?: number;
  chunks?: number;
  quiescent?: boolean;
  pass?: boolean;
  aorHeld?: number;
  aorPairs?: number;
  duplicates?: number;
  virtualEndMicros?: number;
  fingerprint?: string;
  /** engine cases: the fixed number of pending events */
  pending?: number;
}

export interface CaseDef {
  name: string;
  what: string;
  run(): CaseResult;
}

const SEED = 1;


const rssMiB = (): number => process.resourceUsage().maxRSS / 1024;

/**
 * The bare engine: `pending` events, each of which reschedules itself 1-1000 us later (an xorshift draw, through
 * `Engine.at`, so the heap), so the queue holds exactly `pending` events throughout. Warmed up, then `events`
 * are timed. It includes what every event costs: the heap, the fingerprint, the handler call.
 */
function engineCase(name: string, pending: number, events: number): CaseDef {
  const what = `bare Engine, ${pending.toLocaleString('en-US')} pending events, self-rescheduling`;
  return {
    name,
    what,
    run: () => {
      const e = new Engine();
      let x = 0x2545f491;
      const kind: number = e.register('tick', (a, b) => {
        x ^= x << 13;
        x ^= x >>> 17;
        x ^= x << 5;
        e.at(e.now + 1 + ((x >>> 0) % 1000), kind, a, b + 1, 0);
      });
      for (let i = 0; i < pending; i++) e.at(i % 1000, kind, i, 0, 0);
      e.run(Infinity, Math.max(200_000, 2 * pending));
      const t0 = performance.now();
      e.run(Infinity, events);
      const ms = performance.now() - t0;
      return { name, what, setupMs: 0, simMs: ms, checkMs: 0, wallMs: ms, events, messages: 0, deliveries: 0, peakRssMiB: rssMiB(), pending, fingerprint: e.fingerprint.hex() };
    },
  };
}

/**
 * A whole run as `pullsim run` does it (runScenario: world, timeline, run to quiescence, judge): `chunks`
 * chunks uploaded at random nodes at t=0, constant 20 ms links at 10 MB/s, HEAD protocol defaults.
 * The checker's time is what judging the finished run took (from 2000 nodes in the check thread, which the
 * simulation does not wait for until then: runScenario's default); the holder lists and curves only a result file needs are not collected.
 */
function runCase(name: string, what: string, topology: () => Topology | string, chunks: number, more: Record<string, unknown> = {}): CaseDef {
  return {
    name,
    what,
    run: () => {
      const t0 = performance.now();
      const topo = topology();
      const setupMs = performance.now() - t0;
      const base = { name, what, setupMs: 0, simMs: 0, checkMs: 0, wallMs: 0, events: 0, messages: 0, deliveries: 0, peakRssMiB: 0 };
      if (typeof topo === 'string') return { ...base, skipped: topo };
      const s = parseScenario(
        {
          pullsim: 1,
          name,
          description: what,
          topology: { generate: { nodes: topo.ids.length } },
          links: { latency: '20ms', bandwidth: '10MB/s' },
          events: [{ at: '0s', upload: { node: 'random', chunks } }],
          run: { until: 'quiescent', maxTime: '1h' },
          expect: { verdict: 'pass', maxDuplicates: Number.MAX_SAFE_INTEGER },
          ...more,
        },
        'bench',
        name,
      );
      const t1 = performance.now();
      const out = runScenario(s, topo, { seed: SEED, wallClock: () => performance.now(), details: false });
      const runMs = performance.now() - t1;
      const peakRssMiB = rssMiB();
      const checkMs = out.checkMs;
      const v = out.verdict;
      return {
        ...base,
        setupMs,
        simMs: runMs - checkMs,
        checkMs,
        wallMs: runMs,
        events: out.world.engine.processed,
        messages: Object.values(out.traffic.messages).reduce((a, b) => a + b, 0),
        deliveries: out.checks.arrivals,
        peakRssMiB,
        nodes: topo.ids.length,
        chunks,
        quiescent: v.quiescent,
        pass: v.pass,
        aorHeld: v.aorHeld,
        aorPairs: v.aorPairs,
        duplicates: v.duplicates,
        virtualEndMicros: out.world.now,
        fingerprint: out.fingerprint,
      };
    },
  };
}

function snapshot(n: number): () => Topology | string {
  return () => {
    const file = join(repoRoot(), '..', 'shared', 'snapshots', 'swarm-stream', `snapshot_${n}.json`);
    return existsSync(file) ? loadSnapshot(file) : `no snapshot at ${file}`;
  };
}

const generated = (n: number) => () => generateTopology(n, SEED, { binSize: 4, neighbourhoodSize: 2 });

const k = (n: number): string => (n >= 1000 ? `${n / 1000}k` : String(n));

function genCase(nodes: number, chunks: number, runtime?: Record<string, unknown>): CaseDef {
  const suffix = runtime ? '_goroutines' : '';
  const how = runtime ? `, goroutine handlers on ${String(runtime.cores ?? 2)} simulated cores` : '';
  return runCase(`gen_${k(nodes)}_${k(chunks)}${suffix}`, `generated ${k(nodes)} nodes (seed ${SEED}, binSize 4), ${k(chunks)} chunks${how}`, generated(nodes), chunks, runtime ? { runtime } : {});
}

/**
 * The goroutine runtime with its calibrated costs: what it costs against the serial runtime. snapshot_256 on the
 * default 2 cores; 1k nodes on 16 (on 2 cores its 10k chunks at once overload the machine: some 15,000 batches time
 * out and are redialled, another run than the serial one; docs/runtime.md).
 */
const GOROUTINES = { handlers: 'goroutines' };

/** Every case in the order the table lists them; the engine cases come first (the others' ratio needs them). */
export const CASES: CaseDef[] = [
  engineCase('engine_1k', 1_000, 5_000_000),
  engineCase('engine_100k', 100_000, 3_000_000),
  runCase('snapshot_256', 'snapshot_256.json (Swarm stream test), 10k chunks', snapshot(256), 10_000),
  runCase('snapshot_256_goroutines', 'snapshot_256.json, 10k chunks, goroutine handlers on 2 simulated cores', snapshot(256), 10_000, { runtime: GOROUTINES }),
  // Bee's pull sync on the same snapshot: 3k chunks in reserves of 280, network radius 3 (scenarios/bee-quickstart.json in one upload)
  runCase('bee_snapshot_256', "snapshot_256.json with Bee's pull sync, 3k chunks, capacity 280, radius 3", snapshot(256), 3_000, { protocol: { kind: 'bee', capacity: 280, networkRadius: 3 } }),
  genCase(1_000, 10_000),
  genCase(1_000, 10_000, { ...GOROUTINES, cores: 16 }),
  genCase(5_000, 50_000),
  genCase(10_000, 100_000),
];

/** The engine case whose events/s every other case's messages/s is compared with. */
export const REFERENCE = 'engine_1k';
