import type { TraceRecord } from '../scenario/trace-format.js';
import { MAX_STEPS, type Ctx, type StoryTarget, type Told } from './story-context.js';
import { duplicateStory, exclusionStory } from './story-dup.js';
import { TraceIndex } from './story-index.js';
import { missingStory } from './story-missing.js';
import type { Step } from './story-steps.js';
import { dropStory, nodeStory, offerStory, rangeStory } from './story-wire.js';

export type { StoryTarget } from './story-context.js';
export type { Step } from './story-steps.js';

/** The violation a story tells, with why it happened in a few sentences. */
export interface StoryViolation extends StoryTarget {
  why: string[];
}

/** `pullsim explain --json`: the violation, the nodes involved (indexes, the violation's node first), and the steps in order. */
export interface Story {
  violation: StoryViolation;
  lanes: number[];
  steps: Step[];
}

/** What a story needs recorded: the violation's node and chunk (a trace filtered to them holds every step). */
export function storyFocus(v: StoryTarget): { nodes: number[]; chunks: string[] } | undefined {
  if (v.nodeIndex === undefined) return undefined;
  return { nodes: [v.nodeIndex], chunks: v.chunk ? [v.chunk] : [] };
}

const TELLERS: Record<string, (c: Ctx) => Told> = {
  duplicate: duplicateStory,
  missing: missingStory,
  exclusion: exclusionStory,
  range: rangeStory,
  offer: offerStory,
  drop: dropStory,
};

/**
 * A violation's story from the trace's records (filtered to `storyFocus`, or every record: the same story); `others`
 * are the run's other violations, for a story to point at.
 */
export function tellStory(v: StoryTarget, records: readonly TraceRecord[], end: number, others: readonly StoryTarget[] = []): Story {
  const ix = new TraceIndex(records, end);
  const chunk = v.chunk ? ix.chunkId(v.chunk) : undefined;
  const c: Ctx = { ix, v, node: v.nodeIndex, chunk, others };
  const needsChunk = v.kind === 'duplicate' || v.kind === 'missing' || v.kind === 'exclusion';
  const teller = needsChunk && chunk === undefined ? nodeStory : (TELLERS[v.kind] ?? nodeStory);
  const told = teller(c);
  const left = told.steps.trim(MAX_STEPS);
  const why = left > 0 ? [...told.why, `(${left} earlier steps left out; the story keeps ${MAX_STEPS}.)`] : told.why;
  return { violation: { ...v, why }, lanes: told.lanes, steps: told.steps.list(told.last) };
}

/**
 * The story of a violation that names no node (liveness, vacuous): nothing to trace; it points at the missing pairs
 * behind it, which have stories of their own.
 */
export function storyWithoutNode(v: StoryTarget, all: readonly StoryTarget[]): Story {
  const missing = all.filter((x) => x.kind === 'missing').map((x) => x.index);
  const why = [
    `A ${v.kind} violation names no node or chunk, so it has no story of its own: ${v.detail}.`,
    missing.length > 0 ? `The pairs still missing have stories: --violation ${missing.slice(0, 8).join(', ')}${missing.length > 8 ? ', …' : ''}.` : 'No missing pair is listed with it.',
  ];
  return { violation: { ...v, why }, lanes: [], steps: [{ at: v.at, from: null, to: null, what: v.kind, key: true, label: v.kind, text: `${v.kind}: ${v.detail}` }] };
}
