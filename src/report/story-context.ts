import type { Micros } from '../core/units.js';
import type { MsgRecord } from '../scenario/trace-format.js';
import type { Placed, TraceIndex } from './story-index.js';
import { StepList, type Step } from './story-steps.js';

/** The violation a story is about, as result.json lists it, with its index there. */
export interface StoryTarget {
  index: number;
  kind: string;
  node?: string;
  nodeIndex?: number;
  chunk?: string;
  at: Micros;
  detail: string;
}

/** What each kind's story is built from: the trace, the violation, its node and chunk. */
export interface Ctx {
  ix: TraceIndex;
  v: StoryTarget;
  /** the violation's node (index), if it names one */
  node: number | undefined;
  /** the violation's chunk (its id in the trace), if it names one that was uploaded */
  chunk: number | undefined;
  /** the run's other violations (their indexes in result.json), for a story to point at */
  others: readonly StoryTarget[];
}

/** A kind's story: its lanes (the nodes involved, the violation's first), steps, the violation itself, and why. */
export interface Told {
  lanes: number[];
  steps: StepList;
  last: Step;
  why: string[];
}

/** Most steps in a story (key steps are always kept; of the others, the latest). */
export const MAX_STEPS = 150;

/** Nodes in order of first mention, each once. */
export function lanesOf(...groups: (number | undefined)[][]): number[] {
  const out: number[] = [];
  for (const g of groups) for (const x of g) if (x !== undefined && !out.includes(x)) out.push(x);
  return out;
}

/**
 * What bears on the lanes between `from` and `to`: their depth changes and stops, their derived quits of each
 * other's bins, connections coming and going between lanes (drops among them), and faults that touch a lane.
 */
export function around(steps: StepList, ix: TraceIndex, lanes: readonly number[], from: Micros, to: Micros): void {
  const inLanes = (x: number) => lanes.includes(x);
  const within = (t: Micros) => t >= from && t <= to;
  for (const r of ix.others) {
    switch (r.ev) {
      case 'depth':
      case 'node':
        if (inLanes(r.node) && within(r.t)) steps.add(r);
        break;
      case 'sub':
        if (r.kind === 'quit' && inLanes(r.node) && inLanes(r.peer) && within(r.t)) steps.add(r);
        break;
      case 'connect':
      case 'disconnect':
        if (inLanes(r.a) && inLanes(r.b) && within(r.t)) steps.add(r, r.ev === 'disconnect' && r.drop);
        break;
      case 'fault': {
        const touches = r.nodes === null || r.nodes.some(inLanes);
        const begins = r.phase === 'begin' && r.t <= to && (r.until === null || r.until >= from);
        if (touches && (begins || (r.phase === 'end' && within(r.t)))) steps.add(r);
        break;
      }
      default:
        break;
    }
  }
}

/** The latest message matching `f` sent at or before `t`. */
export function lastBefore(msgs: readonly Placed<MsgRecord>[], t: Micros, f: (m: MsgRecord) => boolean): Placed<MsgRecord> | undefined {
  for (let i = msgs.length - 1; i >= 0; i--) if (msgs[i]!.t <= t && f(msgs[i]!)) return msgs[i];
  return undefined;
}

/** The messages of one exchange between two nodes (same ruid), in order. */
export function exchange(ix: TraceIndex, a: number, b: number, ruid: number | undefined): Placed<MsgRecord>[] {
  return ruid === undefined ? [] : ix.between(a, b).filter((m) => m.ruid === ruid);
}
