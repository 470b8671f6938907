import type { Micros } from '../core/units.js';
import type { MsgRecord } from '../scenario/trace-format.js';
import { binsText, carries, rangeText, storyTime, type Carried, type Placed, type TraceIndex } from './story-index.js';

/**
 * One step of a story: a message (from its sender to its receiver, sent `at`, arriving `arrives`), or something
 * that happened at a node (`to` null) or to a link (`from` and `to`: a connection's ends), or a fault (both null).
 * `what` is the message type or the event's kind; `text` says it as a sentence.
 */
export interface Step {
  at: Micros;
  from: number | null;
  to: number | null;
  what: string;
  text: string;
  /** the step in a few words, for the diagram */
  label: string;
  /** messages: what the message does (a range request, an offer, a want, a delivery, or something else) */
  role?: Role;
  /** messages: when it reached its receiver; null if it never did */
  arrives?: Micros | null;
  id?: number;
  ruid?: number;
  stream?: string;
  /** what the message did with the story's chunk */
  chunk?: Carried;
  /** subscriptions: the other node */
  peer?: number;
  /** faults: the nodes it touches (null: all) and when it ends (null: not before the end of the run) */
  nodes?: readonly number[] | null;
  until?: Micros | null;
  /** a step the violation turns on */
  key?: boolean;
}

/** A step with its keys in one order whatever its kind (the JSON's bytes): at, from, to, what, text, label, the rest. */
function ordered({ at, from, to, what, text, label, ...rest }: Step): Step {
  return { at, from, to, what, text, label, ...rest };
}

export type Role = 'request' | 'offer' | 'want' | 'delivery' | 'other';

/** What a message does, from its fields. */
export const roleOf = (m: MsgRecord): Role => (m.range ? 'request' : m.offered ? 'offer' : m.wanted || m.positions ? 'want' : m.delivered ? 'delivery' : 'other');

type Fields = Omit<Step, 'at' | 'text' | 'label' | 'what' | 'from' | 'to'>;

/** The steps of a story as they are chosen, kept in the trace's order (time, then the order things happened). */
export class StepList {
  private readonly steps = new Map<number, Step>();

  constructor(
    private readonly ix: TraceIndex,
    /** the story's chunk (its id), if it has one */
    private readonly chunk: number | undefined,
    /** the bin whose cursor a StreamInfoRes is asked about */
    private readonly bin?: number,
  ) {}

  has(seq: number): boolean {
    return this.steps.has(seq);
  }

  /** Adds a record's step (once; `key` marks it as one the violation turns on). */
  add(r: Placed, key = false): void {
    const had = this.steps.get(r.seq);
    if (had) {
      if (key) had.key = true;
      return;
    }
    const s = r.ev === 'msg' ? this.message(r) : this.event(r);
    this.steps.set(r.seq, ordered(key ? { ...s, key } : s));
  }

  /** The steps in order; `last` (the violation itself) after every step up to its time. */
  list(last?: Step): Step[] {
    const out = [...this.steps].sort((a, b) => a[0] - b[0]).map(([, s]) => s);
    if (!last) return out;
    const i = out.findIndex((s) => s.at > last.at);
    return i < 0 ? [...out, ordered(last)] : [...out.slice(0, i), ordered(last), ...out.slice(i)];
  }

  /** Keeps the key steps and the latest others, `max` in all; returns how many were left out. */
  trim(max: number): number {
    if (this.steps.size <= max) return 0;
    const order = [...this.steps.keys()].sort((a, b) => a - b);
    const keys = order.filter((k) => this.steps.get(k)!.key);
    let room = Math.max(0, max - keys.length);
    const keep = new Set(keys);
    for (let i = order.length - 1; i >= 0 && room > 0; i--) if (!keep.has(order[i]!)) (keep.add(order[i]!), room--);
    const left = order.length - keep.size;
    for (const k of order) if (!keep.has(k)) this.steps.delete(k);
    return left;
  }

  private message(m: Placed<MsgRecord>): Step {
    const arrives = this.ix.arrives(m);
    const chunk = this.chunk === undefined ? undefined : carries(m, this.chunk);
    const f: Fields = { role: roleOf(m), arrives, id: m.id, ...(m.ruid !== undefined ? { ruid: m.ruid } : {}), ...(m.stream !== undefined ? { stream: m.stream } : {}), ...(chunk ? { chunk } : {}) };
    const when = arrives === null ? '; lost on the way (the connection went down)' : `; arrives ${storyTime(arrives)}`;
    const open = m.range !== undefined && !this.ix.answered(m) ? (m.range[1] === null ? 'no answer (a live request waits for new chunks)' : 'never answered') : '';
    const text = `${messageText(m, this.chunk, this.bin)}${when}${open ? `; ${open}` : ''}`;
    return { at: m.t, from: m.from, to: m.to, what: m.type, text, label: `${messageLabel(m, this.chunk, this.bin)}${open ? ` — ${open.split(' (')[0]}` : ''}`, ...f };
  }

  private event(r: Placed): Step {
    const chunk = (c: number) => (c === this.chunk ? 'the chunk' : `chunk ${this.ix.addr(c).slice(0, 8)}`);
    switch (r.ev) {
      case 'upload':
        return { at: r.t, from: r.node, to: null, what: 'upload', label: `upload of ${chunk(r.chunk)}`, text: `${chunk(r.chunk)} is uploaded at node ${r.node} (its bin ${r.bin} there)` };
      case 'store':
        return { at: r.t, from: r.node, to: null, what: 'store', label: `stores ${chunk(r.chunk)}`, text: `node ${r.node} stores ${chunk(r.chunk)} (bin ${r.bin})` };
      case 'remove':
        return { at: r.t, from: r.node, to: null, what: 'remove', label: `removes ${chunk(r.chunk)}`, text: `node ${r.node} removes ${chunk(r.chunk)} from its store` };
      case 'depth':
        return { at: r.t, from: r.node, to: null, what: 'depth', label: `depth ${r.was < 0 ? 'down' : r.was} → ${r.depth}`, text: `node ${r.node}'s depth: ${r.was < 0 ? 'down' : r.was} → ${r.depth}` };
      case 'sub':
        return r.kind === 'quit'
          ? { at: r.t, from: r.node, to: null, what: 'quit', peer: r.peer, label: `quits bins ${binsText(r.bins)} of node ${r.peer}`, text: `node ${r.node} quits bins ${binsText(r.bins)} of node ${r.peer}${r.derived ? ' (derived from its depth change: quits are not on the wire)' : ''}` }
          : { at: r.t, from: r.node, to: null, what: 'subscribe', peer: r.peer, label: `subscribes to bins ${binsText(r.bins)} of node ${r.peer}`, text: `node ${r.node} subscribes to bins ${binsText(r.bins)} of node ${r.peer}` };
      case 'connect':
        return { at: r.t, from: r.a, to: r.b, what: 'connect', label: `connect (PO ${r.po})`, text: `nodes ${r.a} and ${r.b} connect (PO ${r.po})` };
      case 'disconnect':
        return r.drop
          ? { at: r.t, from: r.a, to: r.b, what: 'drop', label: `drop: ${r.reason}`, text: `nodes ${r.a} and ${r.b} drop their connection: ${r.reason}` }
          : { at: r.t, from: r.a, to: r.b, what: 'disconnect', label: r.reason === 'node stopped' ? 'disconnect (node stopped)' : 'disconnect (scenario)', text: r.reason === 'node stopped' ? `nodes ${r.a} and ${r.b} disconnect (a node stopped)` : `the scenario disconnects nodes ${r.a} and ${r.b}` };
      case 'node':
        return { at: r.t, from: r.node, to: null, what: r.up ? 'up' : 'down', label: r.up ? 'starts' : 'stops', text: `node ${r.node} ${r.up ? 'starts again' : 'stops'}` };
      case 'fault':
        return r.phase === 'begin'
          ? { at: r.t, from: null, to: null, what: 'fault', nodes: r.nodes, until: r.until, label: `fault: ${r.label}`, text: `fault: ${r.label}${r.until !== null ? ` (until ${storyTime(r.until)})` : ''}` }
          : { at: r.t, from: null, to: null, what: 'fault end', nodes: r.nodes, label: `fault over: ${r.label}`, text: `fault over: ${r.label}` };
      case 'state':
        return { at: r.t, from: r.node, to: null, what: 'state', label: `${r.name} ${r.value}`, text: `node ${r.node}'s ${r.name} becomes ${r.value} (${r.cause})` };
      default:
        throw new Error(`assertion failed: no step for a ${r.ev} record`);
    }
  }
}

const among = (chunk: number | undefined, list: readonly number[] | undefined): string =>
  chunk === undefined || !list ? '' : list.includes(chunk) ? (list.length === 1 ? ': the chunk' : ', the chunk among them') : list.length > 0 ? ', not the chunk' : '';

/**
 * A message as a sentence, from its fields rather than its type (so any protocol's messages read alike): who asks
 * whom for what range, offers, wants or delivers what, with what it did with the story's chunk.
 */
export function messageText(m: MsgRecord, chunk?: number, bin?: number): string {
  const stream = m.stream ?? (m.bin !== undefined ? `bin ${m.bin}` : '');
  const of = stream ? ` of ${stream}` : '';
  const tag = `(${m.type}${m.ruid !== undefined ? `, ruid ${m.ruid}` : ''})`;
  const cursors = m.more?.cursors as readonly number[] | undefined;
  if (m.range) return `node ${m.from} asks node ${m.to} for ${stream} ${rangeText(m.range)} ${tag}`;
  if (m.offered) {
    const n = m.offered.length;
    const what = `offers ${n === 0 ? 'no' : n} hash${n === 1 ? '' : 'es'}${of}`;
    return `node ${m.from} ${what}${m.lastIndex !== undefined ? ` up to bin ID ${m.lastIndex}` : ''}${among(chunk, m.offered)} ${tag}`;
  }
  if (m.wanted || m.positions) {
    const n = (m.wanted ?? m.positions)!.length;
    const offered = m.of !== undefined ? ` of the ${m.of} hash${m.of === 1 ? '' : 'es'} offered` : '';
    return `node ${m.from} wants ${n === 0 ? 'none' : n}${offered}${of}${among(chunk, m.wanted)} ${tag}`;
  }
  if (m.delivered) {
    const n = m.delivered.length;
    return `node ${m.from} delivers ${n} chunk${n === 1 ? '' : 's'}${of}${among(chunk, m.delivered)} ${tag}`;
  }
  if (m.bins && cursors) {
    const at = bin !== undefined && m.bins.includes(bin) ? `: bin ${bin} holds bin IDs up to ${cursors[m.bins.indexOf(bin)]}` : ` of bins ${binsText(m.bins)}`;
    return `node ${m.from} tells node ${m.to} its cursors${at} ${tag}`;
  }
  if (m.bins) return `node ${m.from} asks node ${m.to} about bins ${binsText(m.bins)} ${tag}`;
  if (m.lastIndex !== undefined) return `node ${m.from} ends the batch${of} at bin ID ${m.lastIndex} ${tag}`;
  const more = Object.entries(m.more ?? {}).map(([k, v]) => `${k} ${Array.isArray(v) ? v.join(' ') : String(v)}`);
  return `node ${m.from} sends node ${m.to} ${m.type}${of}${more.length ? ` (${more.join(', ')})` : ''}${m.ruid !== undefined ? `, ruid ${m.ruid}` : ''}`;
}

/** A message in a few words (type, stream, range or counts, and whether it carries the story's chunk). */
export function messageLabel(m: MsgRecord, chunk?: number, bin?: number): string {
  const stream = m.stream ?? (m.bin !== undefined ? `bin ${m.bin}` : '');
  const has = (list: readonly number[] | undefined) => (chunk !== undefined && list?.includes(chunk) ? ', the chunk' : '');
  const cursors = m.more?.cursors as readonly number[] | undefined;
  if (m.range) return `${m.type} ${stream} ${rangeText(m.range)}`;
  if (m.offered) return `${m.type} ${stream}: ${m.offered.length} hash${m.offered.length === 1 ? '' : 'es'}${m.lastIndex !== undefined ? ` ≤ ${m.lastIndex}` : ''}${has(m.offered)}`;
  if (m.wanted || m.positions) return `${m.type}: ${(m.wanted ?? m.positions)!.length}${m.of !== undefined ? ` of ${m.of}` : ''}${has(m.wanted)}`;
  if (m.delivered) return `${m.type}: ${m.delivered.length} chunk${m.delivered.length === 1 ? '' : 's'}${has(m.delivered)}`;
  if (m.bins && cursors && bin !== undefined && m.bins.includes(bin)) return `${m.type}: bin ${bin} up to ${cursors[m.bins.indexOf(bin)]}`;
  if (m.bins) return `${m.type} bins ${binsText(m.bins)}`;
  if (m.lastIndex !== undefined) return `${m.type} at ${m.lastIndex}`;
  return `${m.type}${stream ? ` ${stream}` : ''}`;
}
