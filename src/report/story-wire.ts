import { SECOND } from '../core/units.js';
import type { MsgRecord } from '../scenario/trace-format.js';
import { around, lanesOf, lastBefore, type Ctx, type Told } from './story-context.js';
import { binsText, carries, rangeText, storyTime as T, type Placed } from './story-index.js';
import { StepList } from './story-steps.js';

/** How far back a drop's or another kind's story looks, and how many of the messages there it shows. */
const WINDOW = 15 * SECOND;
const LAST_MESSAGES = 40;

/** Whether `reply` answers the request `r` (a message back from its receiver in the same exchange). */
const answers = (reply: MsgRecord, r: MsgRecord) => reply.from === r.to && reply.to === r.from && reply.ruid === r.ruid;

/**
 * A range violation: a client asked for a stream's range while an earlier request of the same kind (history or
 * live) was unanswered. Its story: both requests and the exchanges of that stream between the two nodes, with the
 * client's depth changes, quits and subscriptions in between.
 */
export function rangeStory(c: Ctx): Told {
  const node = c.node!;
  const mine = c.ix.msgs.filter((m) => m.from === node && m.range !== undefined);
  let pair: [Placed<MsgRecord>, Placed<MsgRecord>] | undefined;
  for (const g of mine.filter((m) => m.t === c.v.at)) {
    const live = g.range![1] === null;
    const open = mine.filter((e) => e.seq < g.seq && e.to === g.to && e.bin === g.bin && (e.range![1] === null) === live && !c.ix.msgs.some((x) => x.seq > e.seq && x.seq < g.seq && answers(x, e)));
    if (open.length > 0) {
      pair = [open.at(-1)!, g];
      break;
    }
  }
  const steps = new StepList(c.ix, undefined, pair?.[1].bin);
  const why: string[] = [];
  if (!pair) {
    why.push(`The trace shows no request by node ${node} at ${T(c.v.at)} made while an earlier one of its stream was unanswered.`);
    return { lanes: [node], steps, last: violationStep(c), why };
  }
  const [first, second] = pair;
  const server = second.to;
  const bin = second.bin;
  for (const m of c.ix.between(node, server)) {
    const ours = m.ruid === first.ruid || m.ruid === second.ruid;
    const stream = m.seq >= first.seq && m.seq <= second.seq && (m.bin === bin || m.bins?.includes(bin!));
    if (ours || stream) steps.add(m, m === first || m === second);
  }
  around(steps, c.ix, [node, server], first.t, second.t);
  const reply = c.ix.msgs.find((x) => x.seq > first.seq && answers(x, first));
  const quits = c.ix.of('sub').filter((s) => s.kind === 'quit' && s.node === node && s.peer === server && s.t >= first.t && s.t <= second.t && bin !== undefined && s.bins.includes(bin));
  why.push(`node ${node} asked node ${server} for ${second.stream ?? `bin ${bin}`} ${rangeText(second.range!)} (ruid ${second.ruid}) at ${T(second.t)} while its request ${rangeText(first.range!)} (ruid ${first.ruid}) of ${T(first.t)} was unanswered${reply ? ` (its answer came at ${T(reply.t)})` : ' (it was never answered)'}.`);
  if (quits.length > 0) why.push(`In between, node ${node} quit bins ${binsText(quits.flatMap((q) => q.bins))} of node ${server} (${quits.map((q) => T(q.t)).join(', ')}, derived from its depth changes) and asked for the stream again, starting a second chain beside the open one.`);
  return { lanes: [node, server], steps, last: violationStep(c), why };
}

/**
 * An offer violation: a server offered more hashes than a batch holds, or a bin ID outside the requested range.
 * Its story: the request, the offer and what followed in that exchange, and when the server stored the chunk.
 */
export function offerStory(c: Ctx): Told {
  const server = c.node!;
  const offer = c.ix.msgs.find((m) => m.from === server && m.t === c.v.at && m.offered !== undefined && (c.chunk === undefined || m.offered.includes(c.chunk)));
  const steps = new StepList(c.ix, c.chunk);
  if (!offer) return { lanes: [server], steps, last: violationStep(c), why: [`The trace shows no offer by node ${server} at ${T(c.v.at)}.`] };
  const client = offer.to;
  const ex = c.ix.between(server, client).filter((m) => m.ruid === offer.ruid);
  for (const m of ex) steps.add(m, m === offer);
  const request = lastBefore(ex, offer.t, (m) => m.from === client && m.range !== undefined);
  const why = [`node ${server} offered ${offer.offered!.length} hashes up to bin ID ${offer.lastIndex} to node ${client} at ${T(offer.t)}${request ? ` for its request ${rangeText(request.range!)} of ${T(request.t)}` : ''}, and the checker found the offer out of bounds.`];
  if (c.chunk !== undefined) {
    const stores = c.ix.of('store').filter((s) => s.node === server && s.chunk === c.chunk && s.t <= offer.t);
    for (const s of stores) steps.add(s, true);
    for (const r of c.ix.of('remove')) if (r.node === server && r.chunk === c.chunk && r.t <= offer.t) steps.add(r, true);
    const last = stores.at(-1);
    if (last) why.push(`node ${server} stored the chunk at ${T(last.t)}${request ? `, ${last.t > request.t ? 'after' : 'before'} the request arrived` : ''}${stores.length > 1 ? ` (it stored it ${stores.length} times: each store gives the chunk a new bin ID)` : ''}; the offer carried it all the same.`);
  }
  around(steps, c.ix, [server, client], request?.t ?? offer.t, offer.t);
  return { lanes: [server, client], steps, last: violationStep(c), why };
}

/**
 * A drop: the protocol dropped a connection. Its story: what the dropping side was handling at that instant, every
 * batch wanted between the two nodes in the window before it (its request, offer, want and deliveries), the last
 * other messages, with their depth changes, quits and faults; why names the reason and what became of those wants.
 */
export function dropStory(c: Ctx): Told {
  const node = c.node!;
  const drop = c.ix.of('disconnect').find((r) => r.drop && r.t === c.v.at && (r.a === node || r.b === node));
  const steps = new StepList(c.ix, c.chunk);
  if (!drop) return { lanes: [node], steps, last: violationStep(c), why: [`The trace shows no drop at node ${node} at ${T(c.v.at)}.`] };
  const peer = drop.a === node ? drop.b : drop.a;
  const msgs = c.ix.between(node, peer).filter((m) => m.t <= drop.t && m.t >= drop.t - WINDOW);
  const exchangeOf = (x: MsgRecord) => msgs.filter((m) => x.ruid !== undefined && m.ruid === x.ruid);
  // what the dropping side was handling: the message that arrived at the instant of the drop, and its exchange
  const trigger = msgs.filter((m) => c.ix.arrives(m) === drop.t).at(-1);
  const wants = msgs.filter((m) => (m.wanted?.length ?? m.positions?.length ?? 0) > 0);
  for (const m of [...(trigger ? exchangeOf(trigger) : []), ...wants.flatMap(exchangeOf)]) steps.add(m, true);
  for (const m of msgs.filter((x) => !steps.has(x.seq)).slice(-LAST_MESSAGES / 2)) steps.add(m);
  steps.add(drop, true);
  around(steps, c.ix, [node, peer], msgs[0]?.t ?? drop.t, drop.t);
  const why = [`nodes ${drop.a} and ${drop.b} dropped their connection at ${T(drop.t)}: ${drop.reason}.`];
  if (trigger) {
    const ex = exchangeOf(trigger);
    why.push(`It happened as node ${trigger.to} handled node ${trigger.from}'s ${trigger.type} (ruid ${trigger.ruid}, sent ${T(trigger.t)})${ex.length > 1 ? `; that exchange: ${ex.map((m) => `${m.type} from node ${m.from} at ${T(m.t)}`).join(', ')}` : ''}.`);
  }
  // the wants whose chunks came only after the stream was quit first (a likely cause), then the latest others
  const fates = wants.map((w) => wantFate(c, w, msgs));
  const order = [...fates.keys()].sort((a, b) => Number(fates[b]!.afterQuit) - Number(fates[a]!.afterQuit) || b - a).slice(0, 4).sort((a, b) => a - b);
  for (const i of order) why.push(fates[i]!.text);
  return { lanes: [node, peer], steps, last: violationStep(c), why };
}

/** What became of a want: when its chunks arrived, and whether the wanting node had quit the stream by then. */
function wantFate(c: Ctx, w: Placed<MsgRecord>, msgs: readonly Placed<MsgRecord>[]): { text: string; afterQuit: boolean } {
  const n = w.wanted?.length ?? w.positions!.length;
  const stream = w.stream ?? 'its stream';
  const head = `node ${w.from} wanted ${n} chunk${n === 1 ? '' : 's'} of ${stream} from node ${w.to} at ${T(w.t)} (ruid ${w.ruid})`;
  const deliveries = msgs.filter((d) => d.seq > w.seq && d.ruid === w.ruid && d.from === w.to && d.delivered !== undefined);
  const arrived = deliveries.map((d) => c.ix.arrives(d)).filter((t): t is number => t !== null);
  if (arrived.length === 0) return { text: `${head}; ${deliveries.length ? 'its delivery was lost with the connection' : 'nothing of it was delivered'}.`, afterQuit: false };
  const at = Math.max(...arrived);
  const quit = c.ix.of('sub').filter((q) => q.kind === 'quit' && q.node === w.from && q.peer === w.to && w.bin !== undefined && q.bins.includes(w.bin) && q.t >= w.t && q.t <= at).at(-1);
  const text = `${head}; ${deliveries.length === 1 ? 'it arrived' : `the last of its ${deliveries.length} deliveries arrived`} at ${T(at)}${quit ? `, after node ${w.from} had quit ${stream} of node ${w.to} at ${T(quit.t)} (derived from its depth change)` : ''}.`;
  return { text, afterQuit: quit !== undefined };
}

/** Any other violation at a node: the node's last messages before it, with whoever it talked to most. */
export function nodeStory(c: Ctx): Told {
  const node = c.node!;
  const msgs = c.ix.msgs.filter((m) => (m.from === node || m.to === node) && m.t <= c.v.at && m.t >= c.v.at - WINDOW).slice(-LAST_MESSAGES);
  const counts = new Map<number, number>();
  for (const m of msgs) {
    const peer = m.from === node ? m.to : m.from;
    counts.set(peer, (counts.get(peer) ?? 0) + 1);
  }
  const peers = [...counts].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, 4).map(([p]) => p);
  const lanes = lanesOf([node], peers);
  const steps = new StepList(c.ix, c.chunk);
  for (const m of msgs) if (lanes.includes(m.from) && lanes.includes(m.to)) steps.add(m, c.chunk !== undefined && carries(m, c.chunk) !== undefined);
  around(steps, c.ix, lanes, msgs[0]?.t ?? c.v.at, c.v.at);
  return { lanes, steps, last: violationStep(c), why: [`${c.v.kind} at node ${node}: ${c.v.detail}.`] };
}

/** The violation itself, as the story's last step. */
export function violationStep(c: Ctx) {
  return { at: c.v.at, from: c.node ?? null, to: null, what: c.v.kind, key: true, label: c.v.kind, text: `${c.v.kind}: ${c.v.detail}` };
}
