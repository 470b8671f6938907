import { storyTime } from './story-index.js';
import type { Story } from './story.js';

/** Node indexes with the start of their ids: "node 17 (a94bc4df)". */
export const laneName = (i: number, ids: readonly string[]): string => `node ${i} (${(ids[i] ?? '?').slice(0, 8)})`;

/** The story's first lines: which violation, where, when. */
export function storyHeading(s: Story): string {
  const v = s.violation;
  const where = [v.nodeIndex !== undefined ? `node ${v.nodeIndex}` : '', v.chunk ? `chunk ${v.chunk.slice(0, 8)}` : ''].filter(Boolean).join(', ');
  return `${v.index >= 0 ? `violation ${v.index}: ` : ''}${v.kind}${where ? ` at ${where}` : ''}, ${storyTime(v.at)}`;
}

/**
 * The story as a numbered narrative a protocol developer can follow line by line: the violation, the nodes
 * involved, each step with its virtual time (`*` marks the steps the violation turns on), and why.
 */
export function storyText(s: Story, ids: readonly string[], source: string): string {
  const width = Math.max(...s.steps.map((x) => storyTime(x.at).length));
  const num = String(s.steps.length).length;
  const lines = [
    storyHeading(s),
    `  ${s.violation.detail}`,
    `  ${source}`,
    s.lanes.length ? `nodes: ${s.lanes.map((l) => laneName(l, ids)).join(', ')}` : '',
    '',
    ...s.steps.map((x, i) => `${String(i + 1).padStart(num)}.${x.key ? '*' : ' '} ${storyTime(x.at).padStart(width)}  ${x.text}`),
    '',
    'why:',
    ...s.violation.why.map((w) => `  ${w}`),
  ];
  return lines.filter((l, i) => l !== '' || lines[i - 1] !== '').join('\n');
}
