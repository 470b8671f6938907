import { formatMicros } from '../core/units.js';
import { CAUSES, type Cause, type Copy } from '../check/stream/dup-causes.js';
import { esc, section, table, TABLE_ROWS, type Column } from './html-kit.js';
import type { ResultJson } from './result.js';
import { allowedDuplicates, int } from './spec-kit.js';
import { listedViolations, nodeTrouble, type NodeTrouble } from './trouble.js';
import { exampleStoryLink, type ReportStories } from './html-story.js';

// The report's tables that say why: nodes ordered by trouble, and duplicates grouped by cause and sender pair.

const peers = (xs: [number, number][], max = 3) => xs.slice(0, max).map(([p, c]) => `${int(c)} from ${p}`).join(', ');
const nodeLink = (i: number) => `<a href="#node-${i}">${i}</a>`;

/** Rows shown at once in the node table; the next ones (up to TABLE_ROWS) behind a <details>. */
const FIRST_ROWS = 20;

/** Every node with any trouble, most troubled first (violations, missing pairs, drops, depth changes and downs, duplicates). */
export function nodeTable(r: ResultJson): string {
  const rows = nodeTrouble(r);
  if (rows.length === 0) return '';
  const troubled = rows.filter((t) => t.violations + t.missing + t.drops + t.depthChanges + t.downs + t.duplicates > 0);
  const listed = new Set(listedViolations(r));
  const cols: (Column<NodeTrouble> & { has: (t: NodeTrouble) => number })[] = [
    { head: 'node', cell: (t) => `<span class="nowrap">${t.index} <code>${esc(t.id.slice(0, 8))}</code>${t.up ? '' : ' (down)'}</span>`, has: () => 1 },
    { head: 'violations', cell: (t) => (t.violations === 0 ? '' : listed.has(t.firstViolation) ? `<a href="#violation-${t.firstViolation}">${int(t.violations)}</a>` : int(t.violations)), num: true, has: (t) => t.violations },
    { head: 'missing AoR', cell: (t) => (t.missing ? int(t.missing) : ''), num: true, has: (t) => t.missing },
    { head: 'drops (by peer)', cell: (t) => (t.drops ? `${int(t.drops)} <span class="note">${esc(peers(t.dropPeers))}</span>` : ''), has: (t) => t.drops },
    { head: 'radius at end', cell: (t) => String(t.radius), num: true, has: (t) => (t.radius === undefined ? 0 : 1) },
    { head: 'radius changes', cell: (t) => (t.radiusChanges ? int(t.radiusChanges) : ''), num: true, has: (t) => t.radiusChanges ?? 0 },
    { head: 'evicted', cell: (t) => (t.evicted ? int(t.evicted) : ''), num: true, has: (t) => t.evicted ?? 0 },
    { head: 'depth at end', cell: (t) => String(t.depth), num: true, has: () => 1 },
    { head: 'depth changes', cell: (t) => (t.depthChanges ? int(t.depthChanges) : ''), num: true, has: (t) => t.depthChanges },
    { head: 'down', cell: (t) => (t.downs ? `${t.downs}× ${esc(formatMicros(t.downMicros))}` : ''), num: true, has: (t) => t.downs },
    { head: 'asked again / quit bins', cell: (t) => (t.resubscribes + t.quits ? `${int(t.resubscribes)} / ${int(t.quits)}` : ''), num: true, has: (t) => t.resubscribes + t.quits },
    { head: 'duplicates (by sender)', cell: (t) => (t.duplicates ? `${int(t.duplicates)} <span class="note">${esc(peers(t.duplicatePeers))}</span>` : ''), has: (t) => t.duplicates },
  ];
  // a column no listed node has anything in is left out
  const shown = troubled.slice(0, TABLE_ROWS);
  const used = cols.filter((c) => shown.some((t) => c.has(t) > 0));
  const anchor = (t: NodeTrouble) => `node-${t.index}`;
  const more = shown.length > FIRST_ROWS ? `<details><summary>the next ${shown.length - FIRST_ROWS}</summary>${table(shown.slice(FIRST_ROWS), used, true, anchor)}</details>` : '';
  const intro = `<p class="note">${int(troubled.length)} of ${int(rows.length)} nodes had some trouble; ordered by violations, missing AoR pairs, drops, depth changes and downs, then duplicates${troubled.length > TABLE_ROWS ? ` (the first ${TABLE_ROWS}; every node is in result.json's diagnosis)` : ''}. Depth is each node's own, from the world's connect and disconnect events; "asked again" counts StreamInfoReqs after a connection's first, quit bins are derived from the depth changes by the sync rule.</p>`;
  const body = troubled.length === 0 ? '<p>No node had any trouble: no violation, missing pair, drop, depth change after the start, downtime or duplicate.</p>' : table(shown.slice(0, FIRST_ROWS), used, true, anchor) + more;
  return section('Nodes by trouble', intro + body, 'nodes');
}

export const CAUSE_TEXT: Record<Cause, string> = {
  race: 'two peers offered the chunk and the node wanted it from both before either copy arrived (PROTOCOL.md §7: NeedData is checked only when an offer arrives)',
  overlap: 'one peer offered the chunk in two ranges (two ruids), and both were wanted before the first copy arrived',
  held: 'the node wanted the chunk again after the first copy had arrived and been stored',
  message: 'two copies in one ChunkDelivery',
};

const copy = (c: Copy) => (c.offeredAt < 0 ? `from ${c.from}, arrived ${formatMicros(c.at)}` : `from ${c.from}: offered ${formatMicros(c.offeredAt)}, wanted ${formatMicros(c.wantedAt)}, arrived ${formatMicros(c.at)} (ruid ${c.ruid})`);

/** Duplicates grouped by cause and by (first sender, second sender), with a few described from the wire. */
export function duplicateCauses(r: ResultJson, stories?: ReportStories): string {
  const d = r.diagnosis?.duplicates;
  const total = r.metrics.duplicates;
  if (!d || total === 0) return '';
  const explained = CAUSES.reduce((a, c) => a + d.causes[c], 0);
  const rest = total - explained;
  const causes: [string, number, string][] = CAUSES.filter((c) => d.causes[c] > 0).map((c) => [c, d.causes[c], CAUSE_TEXT[c]]);
  if (rest !== 0) causes.push(['not explained', rest, 'no overlapping wants were seen on the wire for these (e.g. wanted again after the earlier wants had all been answered, or wants past the tracking limit)']);
  const share = (n: number) => `${(Math.round((n / total) * 1000) / 10).toFixed(1)}%`;
  const byCause = table(causes, [
    { head: 'cause', cell: (x) => x[0] },
    { head: 'duplicates', cell: (x) => int(x[1]), num: true },
    { head: 'share', cell: (x) => share(x[1]), num: true },
    { head: 'what the wire showed', cell: (x) => x[2] },
  ]);
  const pairs = table(d.pairs.slice(0, 20), [
    { head: 'first copy from', cell: (p) => nodeLink(p.first), num: true },
    { head: 'duplicate from', cell: (p) => nodeLink(p.second), num: true },
    { head: 'duplicates', cell: (p) => int(p.count), num: true },
    { head: 'causes', cell: (p) => esc(Object.entries(p.counts).map(([c, n]) => `${c} ${int(n)}`).join(', ')) },
  ], true);
  const examples = table(d.examples.map((e, i) => ({ ...e, i })), [
    { head: 'node', cell: (e) => nodeLink(e.node), num: true },
    { head: 'chunk', cell: (e) => `<code>${esc(e.chunk.slice(0, 8))}</code>` },
    { head: 'cause', cell: (e) => esc(e.cause) },
    { head: 'first copy', cell: (e) => esc(copy(e.first)) },
    { head: 'duplicate', cell: (e) => esc(copy(e.second)) },
    ...(stories ? [{ head: 'story', cell: (e: { i: number }) => exampleStoryLink(stories, e.i, r) }] : []),
  ], true, (e) => `duplicate-${e.i}`);
  const notes = [
    `${int(total)} duplicate deliveries (allowed: ${allowedDuplicates(r)}); ${int(explained)} explained from the offers, wants and deliveries on the wire.`,
    d.unsolicited > 0 ? `${int(d.unsolicited)} chunks arrived with no want for them from that sender outstanding.` : '',
    d.untracked > 0 ? `${int(d.untracked)} wants were not tracked (too many outstanding at once).` : '',
  ].filter(Boolean);
  const body = `<p class="note">${esc(notes.join(' '))}</p>${byCause}<h3>By sender pair</h3><p class="note">Who sent the copy that arrived first and who sent the duplicate (the top 20 of the explained ones).</p>${pairs}<h3>Examples</h3><p class="note">The first duplicates of each cause, with each copy's offer (sent by the server), want (the node's WantedHashes) and arrival.</p>${examples}`;
  return section('Why duplicates happened', body, 'duplicate-causes');
}
