import type { EventSink } from '../core/engine.js';
import { createRng } from '../core/rng.js';
import type { Micros } from '../core/units.js';
import { Traffic } from '../check/series.js';
import { LocalChecking, type Checking, type Judged } from '../check/session.js';
import type { CheckSummary } from '../check/summary.js';
import { ThreadChecking } from '../check/thread.js';
import type { Verdict } from '../check/verdict.js';
import { World, type WorldOptions } from '../sim/world.js';
import { bindProtocol, type RunDiagnosis } from './protocols.js';
import type { WorldObserver } from '../sim/observer.js';
import type { Topology } from '../topology/topology.js';
import type { FaultLog } from './faults.js';
import type { Scenario } from './schema.js';
import { Timeline } from './timeline.js';
import { TraceLog, type TraceOptions } from './trace-log.js';

export interface RunOptions {
  seed: number;
  /** records every processed event (trace, determinism check) */
  sink?: EventSink;
  /** a wall clock for wallMs; the simulation itself never reads one */
  wallClock?: () => number;
  /** more observers of the world (added after the checker's own) */
  observers?: WorldObserver[];
  /** called every 250k events with the virtual time and events so far (a progress line) */
  progress?: (now: Micros, events: number) => void;
  /**
   * run the checkers in a worker thread of their own (same events, same verdict; the simulation does not wait
   * for them). Default: from CHECK_THREAD_NODES nodes up.
   */
  checkThread?: boolean;
  /**
   * collect what only the result file and the report read: each chunk's holders, and the curves' store times
   * (walks over every stored pair; a 10k-node run has tens of millions), and the report's own observers
   * (Diagnosis: depth and subscriptions over time, drops by peer, causes of duplicates). Default true.
   */
  details?: boolean;
  /** record a trace (`pullsim run --trace`, `pullsim explain`): every record, or a filter's, up to a limit */
  trace?: TraceOptions;
}

/** From this many nodes a run's checkers get a thread of their own by default (below, starting one costs more than it saves). */
export const CHECK_THREAD_NODES = 2000;

export interface RunOutcome {
  scenario: Scenario;
  seed: number;
  world: World;
  traffic: Traffic;
  verdict: Verdict;
  /** what else the checkers found (deliveries, duplicates over time, discipline counts, curves) */
  checks: CheckSummary;
  /** wall milliseconds the checkers took to judge the finished run (0 without a wall clock) */
  checkMs: number;
  fingerprint: string;
  /** the verdict matched the scenario's expectation */
  expectationMet: boolean;
  wallMs: number;
  /** chunks in upload order */
  uploaded: number[];
  /** what makes the verdict say less than it seems: uploads that did not happen, nothing to check */
  warnings: string[];
  /** the scenario's faults as windows */
  faults: FaultLog;
  /** what the report's observers saw (runs with details only) */
  diagnosis: RunDiagnosis | undefined;
  /** the trace, when one was asked for (its records are in time order) */
  trace: TraceLog | undefined;
}

/** Runs one scenario on one seed: builds the world, applies the timeline, runs, and judges. */
export function runScenario(s: Scenario, topology: Topology, o: RunOptions): RunOutcome {
  const wall0 = o.wallClock?.() ?? 0;
  const rng = createRng(o.seed);
  const removals = s.events.some((e) => 'remove' in e.action);
  const binding = bindProtocol(s);
  const world: World = new World(topology, worldOptions(s, removals), rng.fork('world'), binding.protocol);
  if (o.sink) world.engine.sink = o.sink;
  const details = o.details ?? true;
  const threaded = o.checkThread ?? world.nodes.length >= CHECK_THREAD_NODES;
  const checking: Checking = threaded ? new ThreadChecking(world, binding.checks, o.wallClock !== undefined) : new LocalChecking(world, binding.checks.module, binding.checks.params, o.wallClock);
  const traffic = new Traffic(binding.protocol.messageNames);
  for (const ob of checking.observers) world.observe(ob);
  world.observe(traffic);
  const diagnosis = details ? binding.diagnosis(topology.addrs, world.nodes.length, world.up) : undefined;
  if (diagnosis) world.observe(diagnosis);
  for (const ob of o.observers ?? []) world.observe(ob);
  const trace = o.trace ? new TraceLog(world, binding, s.protocol.neighbourhoodSize, o.trace) : undefined;
  if (trace) world.observe(trace);
  let timeline: Timeline;
  let judged: Judged;
  try {
    timeline = new Timeline(world, s, rng.fork('scenario'), traffic);
    timeline.restore = (node, chunk) => checking.expectBack(node, chunk);
    if (trace) timeline.faults.listener = trace.fault;
    judged = simulateAndJudge(s, world, timeline, checking, details, o.progress, binding.thresholdName);
  } catch (e) {
    checking.dispose(); // a check thread must not wait for rows that will never come
    throw e;
  }
  const { verdict, checks, checkMs } = judged;
  trace?.finish();
  return {
    scenario: s,
    seed: o.seed,
    world,
    traffic,
    verdict,
    checks,
    checkMs,
    fingerprint: world.engine.fingerprint.hex(),
    expectationMet: (verdict.pass ? 'pass' : 'fail') === s.expect.verdict,
    wallMs: (o.wallClock?.() ?? 0) - wall0,
    uploaded: timeline.uploaded,
    warnings: warningsOf(world, timeline, verdict),
    faults: timeline.faults,
    diagnosis,
    trace,
  };
}

/** The world's settings from the scenario's links, protocol and hive sections. */
export function worldOptions(s: Scenario, removals: boolean): WorldOptions {
  const { model, ...go } = s.hive;
  const hive = model === 'go' ? { ...go, neighbourhoodSize: s.protocol.neighbourhoodSize } : undefined;
  return { links: s.links, redialDelay: s.protocol.redialDelay ?? undefined, removals, runtime: s.runtime, ...(hive ? { hive } : {}) };
}

/** A run whose verdict checks little or nothing says so. */
function warningsOf(world: World, timeline: Timeline, verdict: Verdict): string[] {
  const out = [...timeline.notUploaded];
  if (world.nodes.length === 0) out.push('the topology has no nodes');
  if (verdict.aorPairs === 0) {
    const why = timeline.uploaded.length === 0 ? 'no chunk was uploaded' : verdict.chunks.length === 0 ? 'no chunk reached any node' : 'no up node has any uploaded chunk in its area of responsibility';
    out.push(`no (chunk, AoR node) pair to check (${why}): the verdict says nothing about replication (set expect.minAorPairs to fail such a run)`);
  }
  return out;
}

/** Starts the world, runs it as the scenario says, and has the checkers judge the end. */
/** When the scenario's last event happens (a churn lasts until its end): no run is quiescent before. */
function lastEventAt(s: Scenario): Micros {
  let t = 0;
  for (const e of s.events) t = Math.max(t, 'churn' in e.action ? e.action.churn.until : e.at);
  return t;
}

function simulateAndJudge(s: Scenario, world: World, timeline: Timeline, checking: Checking, details: boolean, progress: RunOptions['progress'], thresholdName: string): Judged {
  world.start();
  let quiescent = true;
  const tick = progress ? () => progress(world.now, world.engine.processed) : undefined;
  if (s.run.until === 'quiescent') quiescent = world.runUntilQuiescent(s.run.maxTime, tick, undefined, lastEventAt(s));
  else world.runUntil(Math.min(s.run.until, s.run.maxTime), tick);
  const options = {
    quiescent,
    maxTime: s.run.maxTime,
    maxDuplicates: s.expect.maxDuplicates ?? Infinity,
    maxDrops: s.expect.maxDrops,
    neighbourhoodSize: s.protocol.neighbourhoodSize,
    convergeBy: s.run.convergeWithin === null ? undefined : Math.max(0, timeline.lastFault) + s.run.convergeWithin,
    holders: details,
    minAorPairs: s.expect.minAorPairs,
    thresholdName,
    ...(s.protocol.kind === 'bee' ? { exchange: 'stream' as const } : {}),
  };
  return checking.finish(world, options, details);
}
