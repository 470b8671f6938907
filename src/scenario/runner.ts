import type { EventSink } from '../core/engine.js';
import { createRng, type Rng } from '../core/rng.js';
import { formatMicros } from '../core/units.js';
import { Recorder } from '../check/checker.js';
import { Traffic } from '../check/series.js';
import { judge, type Verdict } from '../check/verdict.js';
import { World } from '../sim/world.js';
import type { Topology } from '../topology/topology.js';
import { resolveRef } from './loader.js';
import type { Action, NodeRef, Scenario } from './schema.js';

export interface RunOptions {
  seed: number;
  /** records every processed event (trace, determinism check) */
  sink?: EventSink;
  /** a wall clock for wallMs; the simulation itself never reads one */
  wallClock?: () => number;
}

export interface RunOutcome {
  scenario: Scenario;
  seed: number;
  world: World;
  recorder: Recorder;
  traffic: Traffic;
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
  const recorder = new Recorder(world);
  const traffic = new Traffic();
  world.observe(recorder);
  world.observe(traffic);
  const timeline = new Timeline(world, s, rng.fork('scenario'), traffic);
  const kind = world.register('action', (i) => timeline.apply(i));
  s.events.forEach((e, i) => world.engine.at(e.at, kind, i));
  world.start();
  let quiescent: boolean;
  if (s.run.until === 'quiescent') quiescent = world.runUntilQuiescent(s.run.maxTime);
  else {
    world.runUntil(Math.min(s.run.until, s.run.maxTime));
    quiescent = true;
  }
  const verdict = judge(world, recorder, {
    quiescent,
    maxTime: s.run.maxTime,
    maxDuplicates: s.expect.maxDuplicates,
    neighbourhoodSize: s.protocol.neighbourhoodSize,
  });
  return {
    scenario: s,
    seed: o.seed,
    world,
    recorder,
    traffic,
    verdict,
    fingerprint: world.engine.fingerprint.hex(),
    expectationMet: (verdict.pass ? 'pass' : 'fail') === s.expect.verdict,
    wallMs: (o.wallClock?.() ?? 0) - wall0,
    uploaded: timeline.uploaded,
  };
}

/** Applies the scenario's timed actions to the world; every random choice comes from the scenario stream. */
class Timeline {
  readonly uploaded: number[] = [];

  constructor(
    private readonly world: World,
    private readonly s: Scenario,
    private readonly rng: Rng,
    private readonly traffic: Traffic,
  ) {}

  apply(index: number): void {
    const a: Action = this.s.events[index]!.action;
    const w = this.world;
    w.lastActive = w.now;
    const label = this.describe(a);
    this.traffic.action(label, w.now);
    if ('upload' in a) {
      const fixed = this.node(a.upload.node, true);
      for (const c of w.newChunks(a.upload.chunks)) {
        const node = fixed ?? this.upNode();
        this.uploaded.push(c);
        if (node !== undefined) w.upload(node, c);
      }
    } else if ('connect' in a) w.connect(this.node(a.connect.a)!, this.node(a.connect.b)!);
    else if ('disconnect' in a) w.disconnect(this.node(a.disconnect.a)!, this.node(a.disconnect.b)!);
    else if ('stop' in a) w.stop(this.node(a.stop.node)!);
    else if ('start' in a) w.restart(this.node(a.start.node)!);
    else if ('pause' in a) w.pause(this.node(a.pause.node)!);
    else if ('resume' in a) w.resume(this.node(a.resume.node)!);
    else {
      const node = this.node(a.remove.node)!;
      for (const [from, to] of a.remove.chunks) for (let i = from; i < to && i < this.uploaded.length; i++) w.removeChunk(node, this.uploaded[i]!);
    }
  }

  /** A node reference; "random" draws a node (an up one where `perItem` leaves it to the caller). */
  private node(ref: NodeRef, perItem = false): number | undefined {
    const r = resolveRef(ref, this.world.topology);
    if (typeof r === 'number') return r;
    if (r !== undefined) throw new Error(`assertion failed: unresolved node reference ${String(ref)}`);
    return perItem ? undefined : this.rng.int(this.world.nodes.length);
  }

  private upNode(): number | undefined {
    const up = this.world.up;
    for (let tries = 0; tries < 64; tries++) {
      const n = this.rng.int(up.length);
      if (up[n]) return n;
    }
    const all = up.flatMap((u, i) => (u ? [i] : []));
    return all.length === 0 ? undefined : all[this.rng.int(all.length)];
  }

  private describe(a: Action): string {
    const [verb, body] = Object.entries(a)[0] as [string, Record<string, unknown>];
    const parts = Object.entries(body).map(([k, v]) => `${k}=${Array.isArray(v) ? JSON.stringify(v) : String(v)}`);
    return `${verb} ${parts.join(' ')} @${formatMicros(this.world.now)}`;
  }
}
