import type { Micros } from '../core/units.js';
import type { MsgRecord } from '../scenario/trace-format.js';
import { around, exchange, lanesOf, lastBefore, type Ctx, type Told } from './story-context.js';
import { storyTime as T, type Placed } from './story-index.js';
import { StepList } from './story-steps.js';

/** One copy of the chunk on its way to the node: its delivery, and the offer, want and request it answered. */
interface Copy {
  delivery: Placed<MsgRecord>;
  arrived: Micros;
  server: number;
  range: Placed<MsgRecord> | undefined;
  offer: Placed<MsgRecord> | undefined;
  want: Placed<MsgRecord> | undefined;
}

/** The exchange behind a delivery of `chunk` to `node`: the GetRange, the offer and the want before it. */
function copyOf(c: Ctx, delivery: Placed<MsgRecord>, arrived: Micros): Copy {
  const node = c.node!;
  const server = delivery.from;
  const ex = exchange(c.ix, node, server, delivery.ruid);
  const offer = lastBefore(ex, delivery.t, (m) => m.from === server && m.offered?.includes(c.chunk!) === true);
  const want = lastBefore(ex, delivery.t, (m) => m.from === node && m.wanted?.includes(c.chunk!) === true);
  const range = lastBefore(ex, delivery.t, (m) => m.from === node && m.range !== undefined);
  return { delivery, arrived, server, range, offer, want };
}

/** Deliveries of the story's chunk to its node that arrived, by arrival. */
function arrivals(c: Ctx): { m: Placed<MsgRecord>; at: Micros }[] {
  return c.ix.msgs
    .filter((m) => m.to === c.node && m.delivered?.includes(c.chunk!))
    .map((m) => ({ m, at: c.ix.arrives(m) }))
    .filter((d): d is { m: Placed<MsgRecord>; at: Micros } => d.at !== null)
    .sort((a, b) => a.at - b.at || a.m.seq - b.m.seq);
}

const ago = (a: Micros, b: Micros) => `${((b - a) / 1000).toFixed(3).replace(/\.?0+$/, '')} ms`;

/**
 * A duplicate: the node got the chunk twice. Its story: both copies' requests, offers, wants and deliveries (and any
 * other offer of the chunk to the node before the duplicate arrived), with the depth changes, quits, drops and
 * faults in between; why says which race of the wire it was (PROTOCOL.md §7).
 */
export function duplicateStory(c: Ctx): Told {
  const node = c.node!;
  const chunk = c.chunk!;
  const ds = arrivals(c);
  let k = -1;
  ds.forEach((d, i) => (d.at === c.v.at ? (k = i) : undefined));
  if (k < 0) k = Math.min(1, ds.length - 1);
  const upload = c.ix.of('upload').find((u) => u.node === node && u.chunk === chunk);
  const second = ds[k] ? copyOf(c, ds[k]!.m, ds[k]!.at) : undefined;
  const first = k > 0 ? copyOf(c, ds[0]!.m, ds[0]!.at) : undefined;
  const twice = second !== undefined && second.delivery.delivered!.filter((x) => x === chunk).length > 1;
  const steps = new StepList(c.ix, chunk);
  const copies = [first, second].filter((x): x is Copy => x !== undefined);
  for (const cp of copies) for (const m of [cp.range, cp.offer, cp.want, cp.delivery]) if (m) steps.add(m, m !== cp.range);
  if (upload) steps.add(upload, true);
  const end = second?.arrived ?? c.v.at;
  const others = c.ix.msgs.filter((m) => m.to === node && m.offered?.includes(chunk) && m.t <= end && !copies.some((cp) => cp.offer === m));
  const offerers = [...new Set(others.map((m) => m.from))];
  const lanes = lanesOf([node], copies.map((cp) => cp.server), offerers).slice(0, 5);
  for (const m of others) {
    if (!lanes.includes(m.from)) continue;
    steps.add(m);
    const want = lastBefore(exchange(c.ix, node, m.from, m.ruid), end, (x) => x.from === node && x.t >= m.t && x.wanted !== undefined);
    if (want) steps.add(want);
  }
  for (const s of c.ix.of('store')) if (s.chunk === chunk && lanes.includes(s.node) && s.t <= end) steps.add(s, s.node === node);
  const start = Math.min(end, ...steps.list().map((s) => s.at));
  around(steps, c.ix, lanes, start, end);
  const why = duplicateWhy(node, first, second, upload?.t, twice);
  if (offerers.length > 0) {
    const late = others.filter((m) => (c.ix.arrives(m) ?? Infinity) > (first?.arrived ?? upload?.t ?? Infinity)).length;
    why.push(`${others.length} other offer${others.length === 1 ? '' : 's'} of the chunk reached node ${node} before then (from node${offerers.length === 1 ? '' : 's'} ${offerers.join(', ')})${late ? `, ${late} of them after the first copy had arrived` : ''}.`);
  }
  const last = { at: c.v.at, from: node, to: null, what: 'duplicate', key: true, label: 'duplicate', text: `node ${node} receives the chunk again${second ? ` from node ${second.server}` : ''}: a duplicate delivery (${c.v.detail})` };
  return { lanes, steps, last, why };
}

function duplicateWhy(node: number, first: Copy | undefined, second: Copy | undefined, uploadedAt: Micros | undefined, twice: boolean): string[] {
  if (!second) return [`The trace shows no delivery of the chunk to node ${node} at the violation's time.`];
  const w2 = second.want?.t;
  const o2 = second.offer ? `offered it at ${T(second.offer.t)}` : 'its offer is not in the trace';
  if (twice) return [`message: node ${second.server} put the chunk twice into one ChunkDelivery (ruid ${second.delivery.ruid}).`];
  if (!first) {
    return uploadedAt !== undefined
      ? [`held: node ${node} had the chunk from its own upload at ${T(uploadedAt)}; node ${second.server} ${o2}, and node ${node} wanted it${w2 !== undefined ? ` at ${T(w2)}` : ''} all the same.`]
      : [`The trace shows no earlier copy of the chunk at node ${node}.`];
  }
  const w1 = first.want?.t;
  if (w2 !== undefined && w2 > first.arrived) {
    return [`held: node ${node} wanted the chunk from node ${second.server} at ${T(w2)}, after the first copy (from node ${first.server}) had arrived at ${T(first.arrived)}; node ${second.server} ${o2}.`];
  }
  const at = (w: Micros | undefined, server: number) => `from node ${server}${w !== undefined ? ` at ${T(w)}` : ''}`;
  const wants = `node ${node} wanted it ${at(w1, first.server)} and ${at(w2, second.server)}, both before the first copy arrived at ${T(first.arrived)}`;
  if (first.server === second.server) {
    return [`overlap: node ${first.server} offered the chunk in two ranges (ruid ${first.delivery.ruid} and ruid ${second.delivery.ruid}); ${wants}.`];
  }
  const a1 = first.offer ? first.offer.t : undefined;
  const a2 = second.offer ? second.offer.t : undefined;
  const gap = a1 !== undefined && a2 !== undefined ? ` (offers sent ${ago(Math.min(a1, a2), Math.max(a1, a2))} apart)` : '';
  return [
    `race (PROTOCOL.md §7): node ${first.server} and node ${second.server} both offered the chunk${gap}; ${wants}. NeedData is checked only when an offer arrives, so a chunk already on its way from one peer is wanted again from another.`,
    `The copies arrived at ${T(first.arrived)} (node ${first.server}) and ${T(second.arrived)} (node ${second.server}), ${ago(first.arrived, second.arrived)} apart.`,
  ];
}

/**
 * An exclusion: the node stored a chunk delivered over a stream it no longer wanted. Its story: the delivery's
 * exchange, the node's depth changes and derived quits of that peer's bins in between, and the store.
 */
export function exclusionStory(c: Ctx): Told {
  const node = c.node!;
  const chunk = c.chunk!;
  const steps = new StepList(c.ix, chunk);
  const ds = arrivals(c).filter((d) => d.at <= c.v.at);
  const d = ds[ds.length - 1];
  const cp = d ? copyOf(c, d.m, d.at) : undefined;
  const why: string[] = [];
  const lanes = lanesOf([node], [cp?.server]);
  if (cp) {
    for (const m of [cp.range, cp.offer, cp.want, cp.delivery]) if (m) steps.add(m, true);
    const from = cp.range?.t ?? cp.offer?.t ?? cp.delivery.t;
    const bin = cp.delivery.bin;
    const quits = c.ix.of('sub').filter((s) => s.kind === 'quit' && s.node === node && s.peer === cp.server && s.t <= c.v.at && (bin === undefined || s.bins.includes(bin)));
    const quit = quits[quits.length - 1];
    if (quit) steps.add(quit, true);
    around(steps, c.ix, lanes, Math.min(from, quit?.t ?? from), c.v.at);
    const stream = cp.delivery.stream ?? `bin ${bin}`;
    why.push(
      quit
        ? `node ${node} quit ${stream} of node ${cp.server} at ${T(quit.t)} (derived from its depth change)${cp.range ? `; it had asked for the range at ${T(cp.range.t)}` : ''}${cp.want ? `, wanted the chunk at ${T(cp.want.t)}` : ''}, and the chunk arrived at ${T(cp.arrived)}, when that stream was no longer wanted: the node took the delivery without checking that it still wanted the stream.`
        : `No quit of ${stream} of node ${cp.server} by node ${node} is in the trace: node ${node} never wanted that stream from node ${cp.server} at its depth (${c.v.detail}), yet it stored the chunk delivered over it.`,
    );
  } else why.push(`The trace shows no delivery of the chunk to node ${node} before ${T(c.v.at)}.`);
  for (const s of c.ix.of('store')) if (s.chunk === chunk && s.node === node && s.t === c.v.at) steps.add(s, true);
  const last = { at: c.v.at, from: node, to: null, what: 'exclusion', key: true, label: 'exclusion', text: `exclusion: ${c.v.detail}` };
  return { lanes, steps, last, why };
}
