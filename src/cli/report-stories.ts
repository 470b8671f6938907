import { dirname } from 'node:path';
import { UsageError } from '../core/errors.js';
import type { ReportStories } from '../report/html-story.js';
import type { ResultJson } from '../report/result.js';
import type { StoryTarget } from '../report/story.js';
import { listedViolations } from '../report/trouble.js';
import { tellStories, targets } from './explain.js';
import { fmtInt } from './output.js';
import type { RunSource } from './rerun.js';
import { portablePath } from './reproduce.js';

/** Stories a report tells: of its first listed violations, and of duplicate examples not among them. */
const VIOLATIONS = 8;
const EXAMPLES = 4;
/** Runs longer than this get no stories in their report (a re-run costs as long as the run); explain tells any one. */
export const STORY_EVENTS = 3_000_000;

/** The duplicate examples to tell: the first of each cause, then the next ones, as targets (a listed violation's own when it is one). */
function exampleTargets(r: ResultJson, listed: readonly number[]): [number, StoryTarget][] {
  const told = new Set(listed);
  const ex = r.diagnosis?.duplicates?.examples ?? [];
  const order = [...ex.keys()].sort((a, b) => Number(ex.findIndex((e) => e.cause === ex[a]!.cause) !== a) - Number(ex.findIndex((e) => e.cause === ex[b]!.cause) !== b) || a - b);
  const out: [number, StoryTarget][] = [];
  for (const n of order) {
    const e = ex[n]!;
    const j = r.violations.findIndex((v) => v.kind === 'duplicate' && v.nodeIndex === e.node && v.chunk === e.chunk && v.at === e.second.at);
    if (told.has(j)) continue;
    if (j >= 0) told.add(j);
    const detail = `${e.cause}: first copy from node ${e.first.from}, again from node ${e.second.from}`;
    out.push([n, j >= 0 ? targets(r)[j]! : { index: -1, kind: 'duplicate', node: r.nodes[e.node]?.id ?? '', nodeIndex: e.node, chunk: e.chunk, at: e.second.at, detail }]);
    if (out.length === EXAMPLES) break;
  }
  return out;
}

/**
 * The stories of a run's report, from one source of records (its trace, or one re-run of its scenario); undefined
 * when the page has nothing to tell. A run whose scenario cannot be found or replayed gets a note instead.
 */
export function reportStories(r: ResultJson, resultFile: string, source?: RunSource): ReportStories | undefined {
  const listed = listedViolations(r).slice(0, VIOLATIONS);
  const examples = exampleTargets(r, listed);
  if (listed.length + examples.length === 0) return undefined;
  const run = portablePath(dirname(resultFile));
  const none = (note: string): ReportStories => ({ violations: new Map(), examples: new Map(), note, run });
  if (r.metrics.events > STORY_EVENTS) return none(`No stories here: this run has ${fmtInt(r.metrics.events)} events, and a report tells stories for runs of up to ${fmtInt(STORY_EVENTS)} (a re-run takes as long as the run); pullsim explain ${run} --violation K tells any one.`);
  try {
    const all = [...listed.map((i) => targets(r)[i]!), ...examples.map(([, t]) => t)];
    const { stories, note } = tellStories(r, resultFile, all, source ? { source } : {});
    return {
      violations: new Map(listed.map((i, k) => [i, stories[k]!])),
      examples: new Map(examples.map(([n], k) => [n, stories[listed.length + k]!])),
      note: `The first ${listed.length ? `${listed.length} listed violation${listed.length === 1 ? '' : 's'}` : ''}${listed.length && examples.length ? ' and ' : ''}${examples.length ? `${examples.length} duplicate example${examples.length === 1 ? '' : 's'}` : ''}, ${note}.`,
      run,
    };
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    return none(`No stories here: ${e.message}.`);
  }
}
