import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { UsageError } from '../core/errors.js';
import type { ResultJson } from '../report/result.js';
import { storyFocus, storyWithoutNode, tellStory, type Story, type StoryTarget } from '../report/story.js';
import { storySvg } from '../report/story-svg.js';
import { storyText } from '../report/story-text.js';
import { narrow, type TraceRecord } from '../scenario/trace-format.js';
import { checkFile, writeFile } from './files.js';
import { err, out } from './io.js';
import { readReportInput } from './report-input.js';
import { locateRun, traceAgain, type RunSource } from './rerun.js';
import { portablePath } from './reproduce.js';
import { readTraceHeader, readTraceRecords } from './trace-read.js';

export interface ExplainArgs {
  run: string;
  violation?: number;
  json: boolean;
  out?: string;
  /** the scenario file, when the reproduce line's path does not lead to it */
  scenario?: string;
  force?: boolean;
}

/** "0-3 missing, 4-9 duplicate": the violations of a run by index range, for a one-line error. */
function listing(vs: ResultJson['violations']): string {
  const parts: string[] = [];
  for (let i = 0; i < vs.length; ) {
    let j = i;
    while (j + 1 < vs.length && vs[j + 1]!.kind === vs[i]!.kind) j++;
    parts.push(`${j > i ? `${i}-${j}` : i} ${vs[i]!.kind}`);
    i = j + 1;
  }
  return parts.length > 8 ? `${parts.slice(0, 8).join(', ')}, …` : parts.join(', ');
}

/** The run's violations as story targets (their index in result.json with them). */
export const targets = (r: ResultJson): StoryTarget[] => r.violations.map((v, index) => ({ index, ...v }));

/** What a source of records must keep for several stories: every one's nodes and chunks. */
function union(foci: { nodes: number[]; chunks: string[] }[]): { nodes: number[]; chunks: string[] } {
  return { nodes: [...new Set(foci.flatMap((f) => f.nodes))].sort((a, b) => a - b), chunks: [...new Set(foci.flatMap((f) => f.chunks))].sort() };
}

/**
 * Where stories' records come from: the run folder's trace.jsonl when it is this run's and holds what they need
 * (whole, or filtered to cover them), else one re-run of the scenario that records only that. `note` says which.
 */
function gather(r: ResultJson, resultFile: string, focus: { nodes: number[]; chunks: string[] }, o: StoryOptions): { records: TraceRecord[]; note: string } {
  const trace = join(dirname(resultFile), 'trace.jsonl');
  const h = existsSync(trace) ? readTraceHeader(trace) : undefined;
  const covers = h !== undefined && h.dropped === 0 && (h.filter === null || (focus.nodes.every((n) => h.filter!.nodes.includes(n)) && focus.chunks.every((c) => h.filter!.chunks.includes(c))));
  if (h && covers && h.fingerprint === r.fingerprint && h.seed === r.seed) return { records: readTraceRecords(trace, focus), note: `from ${portablePath(trace)}` };
  const src = o.source ?? locateRun(r, resultFile, o.scenario);
  const why = h ? `(${trace} is ${h.fingerprint !== r.fingerprint ? "another run's" : 'filtered or truncated'}) ` : '';
  return { records: traceAgain(src, r, resultFile, focus), note: `${why}from a re-run of ${portablePath(src.file)} (same fingerprint ${r.fingerprint})` };
}

export interface StoryOptions {
  /** the scenario file, when the reproduce line's path does not lead to it */
  scenario?: string;
  /** the run's scenario and topology, when the caller has them (pullsim run --report) */
  source?: RunSource;
}

/** Several violations' stories from one source of records, with where the records came from. */
export function tellStories(r: ResultJson, resultFile: string, vs: StoryTarget[], o: StoryOptions = {}): { stories: Story[]; note: string } {
  const foci = vs.map(storyFocus);
  const need = foci.filter((f): f is NonNullable<typeof f> => f !== undefined);
  const { records, note } = need.length > 0 ? gather(r, resultFile, union(need), o) : { records: [], note: 'no trace needed' };
  const all = targets(r);
  const stories = vs.map((v, i) => (foci[i] ? tellStory(v, narrow(records, foci[i]!), r.metrics.endMicros, all) : storyWithoutNode(v, all)));
  return { stories, note };
}

/** `pullsim explain RUN`: one violation's story as text, JSON, and a sequence diagram. */
export async function explainCommand(a: ExplainArgs): Promise<number> {
  const input = readReportInput(a.run);
  if (input.kind !== 'run') throw new UsageError(input.file, '$.kind', 'a run result (explain tells the story of one run\'s violation)', 'a sweep summary');
  const r = input.result;
  const n = r.violations.length;
  if (n === 0) throw new UsageError(input.file, '$.violations', 'a run with a violation to explain', 'none: the run has no violation');
  const k = a.violation ?? 0;
  if (k >= n) throw new UsageError('command line', '--violation', `a violation index from 0 to ${n - 1} (this run lists ${listing(r.violations)})`, String(k));
  if (a.out !== undefined) {
    if (!a.out.endsWith('.svg')) throw new UsageError('command line', '--out', 'a file name ending in .svg (the story\'s diagram)', JSON.stringify(a.out));
    checkFile(a.out, 'story', { flag: '--out', force: a.force ?? false });
  }
  const { stories, note } = tellStories(r, input.file, [targets(r)[k]!], a.scenario !== undefined ? { scenario: a.scenario } : {});
  const story = stories[0]!;
  const ids = r.nodes.map((x) => x.id);
  if (a.out !== undefined) writeFile(a.out, storySvg(story, ids));
  if (a.json) out(JSON.stringify(story, null, 1));
  else out(storyText(story, ids, `${r.scenario} seed ${r.seed}, ${note}`));
  if (a.out !== undefined) (a.json ? err : out)(`diagram ${a.out}`);
  return 0;
}
