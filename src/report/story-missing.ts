import type { Micros } from '../core/units.js';
import type { MsgRecord } from '../scenario/trace-format.js';
import { around, lanesOf, type Ctx, type Told } from './story-context.js';
import { carries, rangeText, storyTime as T, type Placed, type TraceIndex } from './story-index.js';
import { StepList } from './story-steps.js';

/** Holders shown as lanes at most, and messages of the chunk's stream per holder. */
const HOLDERS = 5;
const PER_HOLDER = 24;

interface Span {
  from: Micros;
  to: Micros | null;
}

/** When each node held the chunk (from its store and remove records), and in which bin. */
function holdings(ix: TraceIndex, chunk: number): Map<number, { spans: Span[]; bin: number }> {
  const out = new Map<number, { spans: Span[]; bin: number }>();
  for (const r of ix.others) {
    if (r.ev === 'store' && r.chunk === chunk) {
      const h = out.get(r.node) ?? { spans: [], bin: r.bin };
      h.spans.push({ from: r.t, to: null });
      out.set(r.node, h);
    } else if (r.ev === 'remove' && r.chunk === chunk) {
      const span = out.get(r.node)?.spans.at(-1);
      if (span && span.to === null) span.to = r.t;
    }
  }
  return out;
}

/** When `node` was connected to each of its peers. */
function connections(ix: TraceIndex, node: number): Map<number, Span[]> {
  const out = new Map<number, Span[]>();
  for (const r of ix.others) {
    if ((r.ev !== 'connect' && r.ev !== 'disconnect') || (r.a !== node && r.b !== node)) continue;
    const peer = r.a === node ? r.b : r.a;
    const spans = out.get(peer) ?? [];
    if (r.ev === 'connect') spans.push({ from: r.t, to: null });
    else if (spans.at(-1)?.to === null) spans.at(-1)!.to = r.t;
    out.set(peer, spans);
  }
  return out;
}

/** The first time two lists of spans overlap, or undefined. */
function overlap(a: Span[], b: Span[], end: Micros): Micros | undefined {
  let best: Micros | undefined;
  for (const x of a) for (const y of b) {
    const from = Math.max(x.from, y.from);
    if (from <= Math.min(x.to ?? end, y.to ?? end) && (best === undefined || from < best)) best = from;
  }
  return best;
}

/**
 * A missing pair: the node is responsible for the chunk at the end and does not hold it. Its story: who held the
 * chunk, and for each peer of the node that held it while connected, the node's subscriptions to that peer, its
 * requests for the chunk's bin there and their answers, offers of the chunk; with the node's depth changes, drops
 * and faults. Why says, per holder, how far the chunk got.
 */
export function missingStory(c: Ctx): Told {
  const node = c.node!;
  const chunk = c.chunk!;
  const ix = c.ix;
  const held = holdings(ix, chunk);
  const conns = connections(ix, node);
  const candidates = [...held]
    .filter(([h]) => h !== node && conns.has(h))
    .map(([h, x]) => ({ h, bin: x.bin, since: overlap(x.spans, conns.get(h)!, ix.end), now: x.spans.at(-1)!.to === null && conns.get(h)!.at(-1)!.to === null }))
    .filter((x): x is typeof x & { since: Micros } => x.since !== undefined)
    .sort((a, b) => Number(b.now) - Number(a.now) || a.since - b.since || a.h - b.h);
  const shown = candidates.slice(0, HOLDERS);
  const lanes = lanesOf([node], shown.map((x) => x.h));
  const steps = new StepList(ix, chunk, shown[0]?.bin);
  const upload = ix.of('upload').find((u) => u.chunk === chunk);
  if (upload) steps.add(upload, true);
  const why: string[] = [];
  const holders = [...held].filter(([, x]) => x.spans.at(-1)!.to === null).map(([h]) => h);
  why.push(`The chunk was ${upload ? `uploaded at node ${upload.node} at ${T(upload.t)}` : 'never uploaded in this trace'}; ${holders.length} node${holders.length === 1 ? '' : 's'} held it at the end${holders.length ? ` (${holders.slice(0, 12).join(', ')}${holders.length > 12 ? ', …' : ''})` : ''}.`);
  const own = ix.others.filter((r) => (r.ev === 'store' || r.ev === 'remove') && r.node === node && (r as { chunk: number }).chunk === chunk);
  for (const r of own) steps.add(r, true);
  if (own.length > 0) why.push(`node ${node} itself ${own.map((r) => (r.ev === 'store' ? `stored the chunk at ${T(r.t)}` : `had it removed by the scenario at ${T(r.t)}`)).join(', then ')}${own.at(-1)!.ev === 'remove' ? ', so sync had to bring it back' : ''}.`);
  const lostAt = own.at(-1)?.ev === 'remove' ? own.at(-1)!.t : undefined;
  if (candidates.length === 0) {
    const peers = [...conns.keys()].sort((a, b) => a - b);
    why.push(`None of node ${node}'s peers (${peers.join(', ') || 'none'}) held the chunk while connected to it, so none could offer it: the chunk did not spread to them.`);
    const same = c.others.filter((o) => o.kind === 'missing' && o.chunk === c.v.chunk && o.index !== c.v.index).map((o) => o.index);
    if (same.length > 0) why.push(`The chunk is missing at ${same.length} more node${same.length === 1 ? '' : 's'}: their stories (--violation ${same.slice(0, 8).join(', ')}${same.length > 8 ? ', …' : ''}) show how far it got from its holders.`);
  }
  for (const x of shown) {
    for (const s of ix.of('store')) if (s.chunk === chunk && s.node === x.h) steps.add(s);
    const msgs = ix.between(node, x.h).filter((m) => pulling(m, node) && (m.bin === x.bin || carries(m, chunk) !== undefined || m.bins?.includes(x.bin)));
    const shownMsgs = msgs.slice(-PER_HOLDER);
    // a reply shown brings the request it answers
    const opened = new Set(shownMsgs.map((m) => m.ruid));
    for (const m of msgs) if (shownMsgs.includes(m) || (m.range !== undefined && opened.has(m.ruid))) steps.add(m, carries(m, chunk) !== undefined);
    for (const s of ix.of('sub')) if (s.kind === 'quit' && s.node === node && s.peer === x.h && s.bins.includes(x.bin)) steps.add(s, true);
    why.push(holderWhy(ix, node, chunk, x.h, x.bin, x.since, msgs, lostAt));
  }
  if (candidates.length > shown.length) why.push(`${candidates.length - shown.length} more of node ${node}'s peers held the chunk while connected (not shown): ${candidates.slice(shown.length).map((x) => x.h).join(', ')}.`);
  around(steps, ix, lanes, 0, ix.end);
  const last = { at: c.v.at, from: node, to: null, what: 'missing', key: true, label: 'missing at the end', text: `at the end node ${node} does not hold the chunk, though it is responsible for it (${c.v.detail})` };
  return { lanes, steps, last, why };
}

/** Whether a message between a node and its peer belongs to the node pulling from the peer (not the other way). */
function pulling(m: MsgRecord, node: number): boolean {
  const asks = m.range !== undefined || m.wanted !== undefined || m.positions !== undefined || (m.bins !== undefined && !m.more?.cursors);
  return asks === (m.from === node);
}

/** A request and what became of it: "[24, 27] (ruid 5, 12.040s) was never answered". */
function requestFate(r: MsgRecord, msgs: readonly Placed<MsgRecord>[]): string {
  const reply = msgs.find((m) => m.from === r.to && m.ruid === r.ruid && m.t >= r.t);
  const what = !reply ? (r.range![1] === null ? 'is still open (a live request waits for new chunks)' : 'was never answered') : reply.offered ? `was answered at ${T(reply.t)} with ${reply.offered.length === 0 ? 'no hashes' : `${reply.offered.length} hashes up to bin ID ${reply.lastIndex}`}` : `was answered at ${T(reply.t)} (${reply.type})`;
  return `${rangeText(r.range!)} (${r.type}, ruid ${r.ruid}, ${T(r.t)}) ${what}`;
}

/**
 * How far the chunk got from one holder peer to the node, in order: the holder's offers of the chunk and what the
 * node did with them, the node's subscription to the chunk's bin there, and its last requests for that bin.
 */
function holderWhy(ix: TraceIndex, node: number, chunk: number, h: number, bin: number, since: Micros, msgs: Placed<MsgRecord>[], lostAt: Micros | undefined): string {
  const says = [`node ${h} held the chunk (bin ${bin}) while connected to node ${node} from ${T(since)}`];
  const subs = msgs.filter((m) => m.from === node && m.bins !== undefined && !m.more?.cursors && m.bins.includes(bin));
  const quits = ix.of('sub').filter((x) => x.kind === 'quit' && x.node === node && x.peer === h && x.bins.includes(bin));
  const quitBefore = (t: Micros) => quits.filter((q) => q.t <= t && !subs.some((x) => x.t > q.t && x.t <= t)).at(-1);
  const offer = msgs.filter((m) => m.from === h && m.offered?.includes(chunk)).at(-1);
  if (offer) {
    const want = msgs.find((m) => m.from === node && m.t >= offer.t && m.ruid === offer.ruid && (m.wanted !== undefined || m.positions !== undefined));
    const sent = want?.wanted?.includes(chunk) ? msgs.find((m) => m.from === h && m.t >= want.t && m.ruid === offer.ruid && m.delivered?.includes(chunk)) : undefined;
    const quit = quitBefore(offer.t);
    const fate = !want
      ? `node ${node} never answered`
      : !want.wanted?.includes(chunk)
        ? `node ${node} did not want it${quit ? ` (it had quit bin ${bin} of node ${h} at ${T(quit.t)})` : lostAt !== undefined && offer.t > lostAt ? ` though the chunk had left its store at ${T(lostAt)}` : ''}`
        : sent
          ? `node ${node} wanted it and node ${h} delivered it at ${T(sent.t)}${ix.arrives(sent) === null ? ', lost with the connection' : ''}`
          : `node ${node} wanted it at ${T(want.t)} and node ${h} never delivered it`;
    says.push(`it offered the chunk at ${T(offer.t)} (ruid ${offer.ruid}) and ${fate}`);
  } else says.push('it never offered the chunk');
  const quit = quitBefore(ix.end);
  const sub = subs.at(-1);
  if (quit) says.push(`node ${node} quit bin ${bin} of node ${h} at ${T(quit.t)} (derived from its depth change) and did not subscribe to it again`);
  else if (!sub) says.push(`node ${node} never subscribed to bin ${bin} of node ${h}`);
  else {
    const after = Math.max(sub.t, offer?.t ?? 0);
    const asks = msgs.filter((m) => m.from === node && m.range !== undefined && m.bin === bin);
    const late = asks.filter((m) => m.t >= after);
    const shown = [late.filter((m) => m.range![1] !== null).at(-1), late.filter((m) => m.range![1] === null).at(-1)].filter((m): m is Placed<MsgRecord> => m !== undefined);
    const before = asks.filter((m) => m.t < after && m.range![1] !== null).at(-1);
    const noLive = shown.length > 0 && !shown.some((r) => r.range![1] === null) ? `; it sent no live request for bin ${bin} after ${T(after)}` : '';
    says.push(`node ${node} subscribed to bin ${bin} of node ${h} at ${T(sub.t)}${shown.length ? `; its last requests for it: ${shown.map((r) => requestFate(r, msgs)).join('; ')}` : ', and asked for no range of it after that'}${noLive}${before && shown.some((r) => r.range![1] !== null) ? `; the history request before, ${requestFate(before, msgs)}` : ''}`);
  }
  return `${says.join('; ')}.`;
}
