import type { EventSink } from '../core/engine.js';
import { createRng } from '../core/rng.js';
import type { Micros } from '../core/units.js';
import { Recorder } from '../check/checker.js';
import { Traffic } from '../check/series.js';
import { Discipline } from '../check/discipline.js';
import { PairIndex } from '../check/pairs.js';
import { judge, type Verdict } from '../check/verdict.js';
import { World } from '../sim/world.js';
import type { WorldObserver } from '../sim/observer.js';
import type { Topology } from '../topology/topology.js';
import type { Scenario } from './schema.js';
import { Timeline } from './timeline.js';

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
}

export interface RunOutcome {
  scenario: Scenario;
  seed: number;
  world: World;
  recorder: Recorder;
  traffic: Traffic;
  discipline: Discipline;
  verdict: Verdict;
  fingerprint: string;
  /** the verdict matched the scenario's expectation */
  expectationMet: boolean;
  wallMs: number;
  /** chunks in upload order */
  uploaded: number[];
}

/** Runs one scenario on one seed: builds the world, applies the timeline, runs, and judges. */
export function runScenario(s: Scenario, topology: Topology, o: RunOptions): RunOutcome {
  const wall0 = o.wallClock?.() ?? 0;
  const rng = createRng(o.seed);
  const trackNeedData = s.events.some((e) => 'remove' in e.action);
  const world = new World(topology, { protocol: s.protocol, links: s.links, redialDelay: s.protocol.redialDelay ?? undefined, trackNeedData }, rng.fork('world'));
  if (o.sink) world.engine.sink = o.sink;
  const pairs = new PairIndex(world.nodes.length, world.arena);
  const recorder = new Recorder(world, undefined, pairs);
  const traffic = new Traffic();
  world.observe(recorder);
  world.observe(traffic);
  const discipline = new Discipline(world, s.protocol.neighbourhoodSize, s.protocol.syncWithinDepthOnly, s.protocol.batchSize, pairs);
  world.observe(discipline);
  for (const ob of o.observers ?? []) world.observe(ob);
  const timeline = new Timeline(world, s, rng.fork('scenario'), traffic);
  timeline.restore = (node, chunk) => recorder.expectBack(node, chunk);
  world.start();
  let quiescent: boolean;
  const tick = o.progress ? () => o.progress!(world.now, world.engine.processed) : undefined;
  if (s.run.until === 'quiescent') quiescent = world.runUntilQuiescent(s.run.maxTime, tick);
  else {
    world.runUntil(Math.min(s.run.until, s.run.maxTime), tick);
    quiescent = true;
  }
  const verdict = judge(world, recorder, discipline, {
    quiescent,
    maxTime: s.run.maxTime,
    maxDuplicates: s.expect.maxDuplicates,
    maxDrops: s.expect.maxDrops,
    neighbourhoodSize: s.protocol.neighbourhoodSize,
    convergeBy: s.run.convergeWithin === null ? undefined : Math.max(0, timeline.lastFault) + s.run.convergeWithin,
  });
  return {
    scenario: s,
    seed: o.seed,
    world,
    recorder,
    traffic,
    discipline,
    verdict,
    fingerprint: world.engine.fingerprint.hex(),
    expectationMet: (verdict.pass ? 'pass' : 'fail') === s.expect.verdict,
    wallMs: (o.wallClock?.() ?? 0) - wall0,
    uploaded: timeline.uploaded,
  };
}
