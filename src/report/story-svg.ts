import { esc } from './html-kit.js';
import { storyTime } from './story-index.js';
import type { Role, Step } from './story-steps.js';
import { storyHeading } from './story-text.js';
import type { Story } from './story.js';

// A story as a space-time (sequence) diagram: one lane per node, time running down one row per moment (a message
// leaving, a message arriving, something happening at a node), arrows for messages, marks for what happens at a
// node, shaded bands for faults, and each row's step in words on the right. SVG written directly: integer
// coordinates, no randomness, the same bytes for the same story; text at 11 px and up.

const ROW = 22;
const TOP = 76;
const TIME_W = 92;
const LANE = 104;
/** a generous width of a 12 px character of the label column, so labels fit the width they are given */
const CHAR = 6.8;
const LABEL_CHARS = 72;

export interface SvgOptions {
  /** keeps the diagram's ids unique in a page holding several (default "story") */
  idPrefix?: string;
  /** the story's heading on top (default true; a report has it above the diagram) */
  heading?: boolean;
  /** fit in this many pixels: the label column's labels are clipped to fit (default: as wide as they need) */
  maxWidth?: number;
  /** no label column: each step's number by its arrow or mark, for narrow windows (the steps are listed beside) */
  narrow?: boolean;
}

const COLOUR: Record<Role, string> = { request: '#6a3d9a', offer: '#1f78b4', want: '#d95f02', delivery: '#2e7d32', other: '#666666' };
const RED = '#c62828';

/** One row of the diagram: a step's start (or its only moment), or a message's arrival. */
interface Moment {
  t: number;
  step: number;
  arrival: boolean;
}

function moments(steps: readonly Step[]): Moment[] {
  const out: Moment[] = [];
  steps.forEach((s, i) => {
    out.push({ t: s.at, step: i, arrival: false });
    if (s.arrives !== undefined && s.arrives !== null) out.push({ t: s.arrives, step: i, arrival: true });
  });
  // by time; at one instant, earlier steps first, a message's arrival after its sending
  return out.sort((a, b) => a.t - b.t || a.step - b.step || Number(a.arrival) - Number(b.arrival));
}

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
const text = (x: number, y: number, s: string, attrs = '') => `<text x="${x}" y="${y}"${attrs}>${esc(s)}</text>`;

/** The story's diagram as an SVG document, marked as pullsim's (`data-generator`). */
export function storySvg(story: Story, ids: readonly string[], o: SvgOptions = {}): string {
  const idPrefix = o.idPrefix ?? 'story';
  const narrow = o.narrow ?? false;
  const lanes = story.lanes;
  const steps = story.steps;
  const rows = moments(steps);
  const laneX = (n: number | null) => (n === null || !lanes.includes(n) ? undefined : TIME_W + LANE * lanes.indexOf(n) + LANE / 2);
  const textX = TIME_W + LANE * Math.max(lanes.length, 1) + 16;
  const room = o.maxWidth === undefined ? LABEL_CHARS : Math.max(24, Math.min(LABEL_CHARS, Math.floor((o.maxWidth - textX - 24) / CHAR)));
  const labels = steps.map((s, i) => `${i + 1}. ${clip(s.label, room - String(i + 1).length - 2)}`);
  const width = narrow ? Math.max(textX, 420) : Math.max(textX + Math.max(240, ...labels.map((l) => Math.ceil(l.length * CHAR))) + 16, 500);
  const top = o.heading === false ? TOP - 30 : TOP;
  const rowY = (r: number) => top + r * ROW;
  const bottom = rowY(rows.length) + 4;
  const height = bottom + 58;
  const sendRow = new Map<number, number>();
  const arriveRow = new Map<number, number>();
  rows.forEach((m, r) => (m.arrival ? arriveRow : sendRow).set(m.step, r));
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" data-generator="pullsim" class="story" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif" font-size="12">`);
  out.push(`<title>${esc(storyHeading(story))}</title>`);
  out.push(`<defs>${Object.entries(COLOUR).map(([role, c]) => `<marker id="${idPrefix}-a-${role}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="${c}"/></marker>`).join('')}</defs>`);
  out.push(`<rect width="${width}" height="${height}" fill="#ffffff"/>`);
  if (o.heading !== false) out.push(text(8, 20, storyHeading(story), ' font-size="14" font-weight="600"'));
  out.push(faultBands(steps, rows, sendRow, lanes, laneX, top, bottom));
  lanes.forEach((n, i) => {
    const x = laneX(n)!;
    out.push(`<line x1="${x}" y1="${top - 14}" x2="${x}" y2="${bottom}" stroke="${i === 0 ? '#555555' : '#bbbbbb'}" stroke-width="${i === 0 ? 1.5 : 1}"/>`);
    out.push(text(x, top - 30, `node ${n}`, ` text-anchor="middle" font-weight="600"${i === 0 ? ` fill="${RED}"` : ''}`));
    out.push(text(x, top - 16, (ids[n] ?? '').slice(0, 8), ' text-anchor="middle" font-size="11" fill="#666666"'));
  });
  let lastTime = -1;
  rows.forEach((m, r) => {
    const y = rowY(r);
    const s = steps[m.step]!;
    out.push(text(TIME_W - 8, y + 4, storyTime(m.t), ` text-anchor="end" font-size="11" fill="${m.t === lastTime ? '#aaaaaa' : '#444444'}"${s.key && !m.arrival ? ' font-weight="600"' : ''}`));
    lastTime = m.t;
    if (m.arrival) {
      if (!narrow) out.push(text(textX, y + 4, `   ↳ ${m.step + 1} arrives at node ${s.to}`, ' font-size="11" fill="#777777"'));
      return;
    }
    const emphasis = s.key ? ` font-weight="600"${s === steps[steps.length - 1] ? ` fill="${RED}"` : ''}` : '';
    if (!narrow) out.push(`<g><title>${esc(`${storyTime(s.at)} ${s.text}`)}</title>${text(textX, y + 4, labels[m.step]!, emphasis)}</g>`);
    out.push(mark(s, y, arriveRow.has(m.step) ? rowY(arriveRow.get(m.step)!) : undefined, laneX, idPrefix, narrow ? m.step + 1 : undefined));
  });
  out.push(legend(bottom + 22));
  out.push('</svg>');
  return out.filter(Boolean).join('\n') + '\n';
}

/** A step's drawing: an arrow for a message (dashed and crossed out when it never arrived), a mark for the rest. */
/** A step's drawing, with its title (the whole sentence) and, in the narrow variant, its number beside it. */
function mark(s: Step, y: number, arriveY: number | undefined, laneX: (n: number | null) => number | undefined, idPrefix: string, num: number | undefined): string {
  const drawn = shape(s, y, arriveY, laneX, idPrefix, num);
  const x = laneX(s.from);
  const tag = num !== undefined && s.role === undefined && x !== undefined ? text(x + 9, y + 4, String(num), ' font-size="11" fill="#333333" paint-order="stroke" stroke="#ffffff" stroke-width="3"') : '';
  return drawn ? `<g><title>${esc(`${num !== undefined ? `${num}. ` : ''}${storyTime(s.at)} ${s.text}`)}</title>${drawn}${tag}</g>` : '';
}

function shape(s: Step, y: number, arriveY: number | undefined, laneX: (n: number | null) => number | undefined, idPrefix: string, num: number | undefined): string {
  const x1 = laneX(s.from);
  const x2 = laneX(s.to);
  if (s.role !== undefined) {
    if (x1 === undefined || x2 === undefined) return '';
    const c = COLOUR[s.role];
    const w = s.chunk ? 2.5 : 1.2;
    const dir = x2 > x1 ? 1 : -1;
    const what = num !== undefined ? `${num} ${s.what}` : s.what;
    const label = text(x1 + dir * 8, y - 4, what, ` font-size="11" fill="${c}" text-anchor="${dir > 0 ? 'start' : 'end'}" paint-order="stroke" stroke="#ffffff" stroke-width="3"`);
    if (arriveY === undefined) {
      const xm = Math.round(x1 + (x2 - x1) * 0.45);
      return `<line x1="${x1}" y1="${y}" x2="${xm}" y2="${y + ROW}" stroke="${c}" stroke-width="${w}" stroke-dasharray="4 3"/>${cross(xm, y + ROW)}${label}`;
    }
    return `<line x1="${x1}" y1="${y}" x2="${x2}" y2="${arriveY}" stroke="${c}" stroke-width="${w}" marker-end="url(#${idPrefix}-a-${s.role})"/>${label}`;
  }
  if (s.what === 'connect' || s.what === 'disconnect' || s.what === 'drop') {
    if (x1 === undefined || x2 === undefined) return x1 !== undefined ? cross(x1, y) : '';
    const c = s.what === 'drop' ? RED : '#888888';
    return `<line x1="${x1}" y1="${y}" x2="${x2}" y2="${y}" stroke="${c}" stroke-width="${s.what === 'drop' ? 2 : 1}" stroke-dasharray="${s.what === 'connect' ? '1 3' : '6 3'}"/>${s.what === 'connect' ? '' : cross(Math.round((x1 + x2) / 2), y)}`;
  }
  if (x1 === undefined) return '';
  switch (s.what) {
    case 'depth':
      return `<path d="M${x1},${y - 6}L${x1 + 6},${y}L${x1},${y + 6}L${x1 - 6},${y}z" fill="#8e44ad"/>`;
    case 'store':
    case 'upload':
      return `<circle cx="${x1}" cy="${y}" r="${s.key ? 6 : 4.5}" fill="#2e7d32"${s.what === 'upload' ? ' stroke="#000000" stroke-width="1.5"' : ''}/>`;
    case 'remove':
      return `<circle cx="${x1}" cy="${y}" r="5" fill="#ffffff" stroke="${RED}" stroke-width="2"/>`;
    case 'quit':
    case 'subscribe':
      return `<rect x="${x1 - 5}" y="${y - 5}" width="10" height="10" fill="${s.what === 'quit' ? '#b9770e' : '#ffffff'}" stroke="#b9770e" stroke-width="1.5"/>`;
    case 'down':
    case 'up':
      return `<rect x="${x1 - 10}" y="${y - 3}" width="20" height="6" fill="${s.what === 'down' ? '#000000' : '#ffffff'}" stroke="#000000"/>`;
    default:
      return s.key ? `<circle cx="${x1}" cy="${y}" r="7" fill="${RED}"/>${text(x1, y + 4, '!', ' text-anchor="middle" font-size="11" font-weight="700" fill="#ffffff"')}` : `<rect x="${x1 - 4}" y="${y - 4}" width="8" height="8" fill="#555555"/>`;
  }
}

const cross = (x: number, y: number) => `<path d="M${x - 5},${y - 5}L${x + 5},${y + 5}M${x - 5},${y + 5}L${x + 5},${y - 5}" stroke="${RED}" stroke-width="2"/>`;

/**
 * Each fault from its start to its end (or planned end), over the lanes it touches: a faint shade, and a bar of its
 * own at the shade's left edge (overlapping faults side by side), titled with what it is.
 */
function faultBands(steps: readonly Step[], rows: Moment[], sendRow: Map<number, number>, lanes: readonly number[], laneX: (n: number | null) => number | undefined, top: number, bottom: number): string {
  const out: string[] = [];
  let k = 0;
  steps.forEach((s, i) => {
    if (s.what !== 'fault') return;
    const from = top + sendRow.get(i)! * ROW - ROW / 2;
    const endStep = steps.findIndex((e, j) => j > i && e.what === 'fault end' && e.label === `fault over: ${s.label.slice('fault: '.length)}`);
    const endRow = endStep >= 0 ? sendRow.get(endStep)! : s.until !== null && s.until !== undefined ? rows.findIndex((m) => m.t >= s.until!) : -1;
    const to = endRow >= 0 ? top + endRow * ROW + ROW / 2 : bottom;
    const touched = s.nodes === null || s.nodes === undefined ? lanes : lanes.filter((l) => s.nodes!.includes(l));
    const xs = (touched.length ? touched : lanes).map((l) => laneX(l)!);
    if (xs.length === 0) return;
    const x = Math.min(...xs) - LANE / 2 + 4;
    const w = Math.max(...xs) - Math.min(...xs) + LANE - 8;
    const h = Math.max(to - from, ROW);
    const bar = x + 2 + 7 * (k++ % 6);
    out.push(`<g><title>${esc(s.text)}</title><rect x="${x}" y="${from}" width="${w}" height="${h}" fill="#e53935" fill-opacity="0.05"/><rect x="${bar}" y="${from}" width="5" height="${h}" fill="#e53935" fill-opacity="0.55"/></g>`);
  });
  return out.join('\n');
}

function legend(y: number): string {
  const items: [string, string][] = [
    [COLOUR.request, 'request'], [COLOUR.offer, 'offer'], [COLOUR.want, 'want'], [COLOUR.delivery, 'delivery'], [COLOUR.other, 'other message'],
  ];
  let x = 8;
  const out: string[] = [];
  for (const [c, what] of items) {
    out.push(`<line x1="${x}" y1="${y - 4}" x2="${x + 22}" y2="${y - 4}" stroke="${c}" stroke-width="2"/>`, text(x + 27, y, what, ' font-size="11"'));
    x += 27 + what.length * 6 + 16;
  }
  out.push(text(8, y + 18, 'thick: carries the chunk · ◆ depth change · ● store · ■ quit · × drop or lost · shaded: a fault', ' font-size="11" fill="#444444"'));
  return out.join('');
}
