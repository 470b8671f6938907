import type { WorldObserver } from '../sim/observer.js';
import { Recorder } from './checker.js';
import { DropWatch } from './drops.js';
import { Breaches, type ChecksModule, type ProtocolChecks } from './properties.js';
import { PairIndex } from './pairs.js';
import { summarize, type CheckSummary } from './summary.js';
import { judge, type Verdict, type VerdictOptions } from './verdict.js';
import type { CheckWorld } from './view.js';


/** A judged run: the verdict, what else its consumers read, and how long judging took. */
export interface Judged {
  verdict: Verdict;
  checks: CheckSummary;
  /** wall milliseconds spent judging (0 without a clock) */
  checkMs: number;
}

/** The checkers of one run, wherever they live: the world reports to `observers`, `finish` judges. */
export interface Checking {
  readonly observers: WorldObserver[];
  /** a removal the scenario expects sync to undo (the timeline's word, not an event of the world) */
  expectBack(node: number, chunk: number): void;
  /** judges the finished run; `details`: the summary's curves too (a walk over every stored pair) */
  finish(world: CheckWorld, o: VerdictOptions, details: boolean): Judged;
  /** the run was abandoned (an error): let go of what finish would have */
  dispose(): void;
}

/**
 * The checkers of one run in this thread: the recorder (who holds what, duplicates), drops, and the protocol's own
 * properties, sharing one pair index and one list of breaches.
 */
export class LocalChecking implements Checking {
  readonly recorder: Recorder;
  readonly breaches = new Breaches();
  readonly properties: ProtocolChecks;
  readonly observers: WorldObserver[];

  constructor(
    world: CheckWorld,
    module: ChecksModule,
    params: unknown,
    private readonly clock?: () => number,
  ) {
    const pairs = new PairIndex(world.nodes.length, world.arena);
    this.recorder = new Recorder(world, undefined, pairs);
    this.properties = module.create({ world, params, pairs, breaches: this.breaches });
    const excuses = this.properties.excuses;
    if (excuses) this.recorder.excuses = (cause) => excuses.call(this.properties, cause);
    this.observers = [this.recorder, ...this.properties.observers, new DropWatch(this.breaches)];
  }

  expectBack(node: number, chunk: number): void {
    this.recorder.expectBack(node, chunk);
  }

  dispose(): void {
    /* nothing outside this thread's heap */
  }

  finish(world: CheckWorld, o: VerdictOptions, details: boolean): Judged {
    const t0 = this.clock?.() ?? 0;
    const verdict = judge(world, this.recorder, this.breaches, this.properties, o);
    const checks = summarize(this.recorder, this.breaches, this.properties.metrics(), verdict, world.nodes.length, details);
    return { verdict, checks, checkMs: (this.clock?.() ?? 0) - t0 };
  }
}
