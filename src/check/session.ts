import type { WorldObserver } from '../sim/observer.js';
import { Recorder } from './checker.js';
import { Discipline } from './discipline.js';
import { PairIndex } from './pairs.js';
import { summarize, type CheckSummary } from './summary.js';
import { judge, type Verdict, type VerdictOptions } from './verdict.js';
import type { CheckWorld } from './view.js';

/** The discipline checker's settings (from the scenario's protocol). */
export interface CheckParams {
  neighbourhoodSize: number;
  onlyWithinDepth: boolean;
  batchSize: number;
}

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

/** The recorder and the discipline checker over one world, sharing one pair index (in this thread). */
export class LocalChecking implements Checking {
  readonly recorder: Recorder;
  readonly discipline: Discipline;
  readonly observers: WorldObserver[];

  constructor(
    world: CheckWorld,
    p: CheckParams,
    private readonly clock?: () => number,
  ) {
    const pairs = new PairIndex(world.nodes.length, world.arena);
    this.recorder = new Recorder(world, undefined, pairs);
    this.discipline = new Discipline(world, p.neighbourhoodSize, p.onlyWithinDepth, p.batchSize, pairs);
    this.observers = [this.recorder, this.discipline];
  }

  expectBack(node: number, chunk: number): void {
    this.recorder.expectBack(node, chunk);
  }

  dispose(): void {
    /* nothing outside this thread's heap */
  }

  finish(world: CheckWorld, o: VerdictOptions, details: boolean): Judged {
    const t0 = this.clock?.() ?? 0;
    const verdict = judge(world, this.recorder, this.discipline, o);
    const checks = summarize(this.recorder, this.discipline, verdict, world.nodes.length, details);
    return { verdict, checks, checkMs: (this.clock?.() ?? 0) - t0 };
  }
}
