import { esc, section } from './html-kit.js';
import type { ResultJson } from './result.js';
import { storyTime } from './story-index.js';
import { storySvg } from './story-svg.js';
import { storyHeading } from './story-text.js';
import type { Story } from './story.js';

/** The stories a run report shows: of listed violations (by index in result.json) and of duplicate examples. */
export interface ReportStories {
  violations: Map<number, Story>;
  /** duplicate examples (by their index in the diagnosis) whose duplicate is not a listed violation with a story */
  examples: Map<number, Story>;
  /** where the stories' records came from, or why there are none or fewer */
  note: string;
  /** what to give `pullsim explain` for this run (the run folder as the report was made) */
  run: string;
}

/** Where a listed violation's story is on the page; past the stories the page tells, how to have it told. */
export function violationStoryLink(s: ReportStories | undefined, i: number): string {
  if (!s) return '';
  return s.violations.has(i) ? `<a href="#story-violation-${i}">story</a>` : `<code class="nowrap">explain --violation ${i}</code>`;
}

/** Where a duplicate example's story is: its own, or that of the violation it is. */
export function exampleStoryLink(s: ReportStories | undefined, n: number, r: ResultJson): string {
  if (!s) return '';
  if (s.examples.has(n)) return `<a href="#story-duplicate-${n}">story</a>`;
  const e = r.diagnosis?.duplicates?.examples[n];
  const j = e ? r.violations.findIndex((v) => v.kind === 'duplicate' && v.nodeIndex === e.node && v.chunk === e.chunk && v.at === e.second.at) : -1;
  return j >= 0 && s.violations.has(j) ? `<a href="#story-violation-${j}">story</a>` : '';
}

/** The width a story's diagram may take in a wide window (a section's content box is about 1,190 px). */
const WIDE = 1160;

function block(story: Story, id: string, back: string, r: ResultJson, run: string): string {
  const ids = r.nodes.map((x) => x.id);
  const v = story.violation;
  const steps = story.steps.map((x) => `<li${x.key ? ' class="key"' : ''}><code>${esc(storyTime(x.at))}</code> ${esc(x.text)}</li>`).join('');
  const cmd = `pullsim explain ${run}${v.index >= 0 ? ` --violation ${v.index}` : ''} --out story.svg`;
  return `<div class="storybox" id="${id}"><h3>${esc(storyHeading(story))} ${back}</h3>
<p class="note">${esc(v.detail)}</p>
<div class="why">${v.why.map((w) => `<p>${esc(w)}</p>`).join('')}</div>
<div class="chart big">${storySvg(story, ids, { idPrefix: id, heading: false, maxWidth: WIDE })}</div><div class="chart narrow">${storySvg(story, ids, { idPrefix: `${id}-n`, heading: false, narrow: true })}</div>
<details><summary>the ${story.steps.length} steps as text</summary><ol class="steps">${steps}</ol></details>
<p class="note">${v.index >= 0 ? `<code>${esc(cmd)}</code> tells it on a terminal, or as JSON with --json.` : ''}</p></div>`;
}

/** The stories section: each story's why, its sequence diagram and its steps, anchored for the tables' links. */
export function storiesSection(r: ResultJson, s: ReportStories | undefined): string {
  if (!s) return '';
  const parts = [...s.violations].map(([i, story]) => block(story, `story-violation-${i}`, `<a class="back" href="#violation-${i}">↑ table</a>`, r, s.run));
  for (const [n, story] of s.examples) parts.push(block(story, `story-duplicate-${n}`, `<a class="back" href="#duplicate-${n}">↑ example</a>`, r, s.run));
  const intro = `<p class="note">How each violation came about, from the messages and events of the run: one lane per node, time running down, arrows for messages (thick: they carry the violation's chunk), marks for depth changes, stores, quits and drops, shaded bands for faults. ${esc(s.note)}</p>`;
  return section('Stories', intro + (parts.join('\n') || '<p>No story to tell.</p>'), 'stories');
}
