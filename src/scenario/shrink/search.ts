import type { Probe } from './probe.js';
import { sizeOf, type State } from './state.js';

/** A candidate, made only when it is about to be tried (undefined: not a valid scenario, never run). */
export type Candidate = () => State | undefined;

/**
 * Runs candidates and says which fails first. An implementation may run several at once, but answers as one
 * that tried them one by one in order would: the first failing one, with the runs counted up to it.
 */
export interface Tester {
  /** the index of the first candidate, in order, that still fails, and its run; undefined if none does or the budget ran out */
  first(candidates: readonly Candidate[]): Promise<{ index: number; state: State; probe: Probe } | undefined>;
  /** candidate runs so far, as a one-by-one search counts them (a candidate seen before is not run again) */
  readonly runs: number;
  /** the run budget is spent: every later `first` answers undefined */
  readonly spent: boolean;
}

/**
 * The state of a shrink: the smallest failing state accepted so far and its run, the chain of states that led
 * to it (each one failed), and the nodes no pass may remove.
 */
export class Search {
  history: State[];
  /** node addresses the node pass keeps: the violation's node and its chunk's area of responsibility, when first seen */
  protect: Set<string> | undefined;
  phase = 'start';

  constructor(
    public state: State,
    public probe: Probe,
    readonly property: string,
    readonly tester: Tester,
    private readonly report: (x: Search) => void = () => undefined,
  ) {
    this.history = [state];
  }

  /** Tries the candidates in order and accepts the first that still fails; its index, or undefined. */
  async tryIndex(candidates: readonly Candidate[]): Promise<number | undefined> {
    if (candidates.length === 0) return undefined;
    const hit = await this.tester.first(candidates);
    if (hit === undefined) return undefined;
    this.state = hit.state;
    this.probe = hit.probe;
    this.history.push(hit.state);
    this.report(this);
    return hit.index;
  }

  async try(candidates: readonly Candidate[]): Promise<boolean> {
    return (await this.tryIndex(candidates)) !== undefined;
  }

  begin(phase: string): void {
    this.phase = phase;
    this.report(this);
  }

  get size() {
    return sizeOf(this.state);
  }
}
