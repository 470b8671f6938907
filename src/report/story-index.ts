import type { Micros } from '../core/units.js';
import type { MsgRecord, TraceRecord } from '../scenario/trace-format.js';

/** A record with its place in the trace (what orders the steps of a story: time, then the order things happened). */
export type Placed<R extends TraceRecord = TraceRecord> = R & { seq: number };

/** What a message did with a chunk. */
export type Carried = 'offered' | 'wanted' | 'delivered';

/** The records of a trace, indexed the ways a story asks for them. */
export class TraceIndex {
  readonly msgs: Placed<MsgRecord>[] = [];
  readonly others: Placed[] = [];
  private readonly arrival = new Map<number, Micros>();
  private readonly addrs = new Map<number, string>();
  private readonly chunkIds = new Map<string, number>();
  /** the virtual time the run ended */
  readonly end: Micros;

  constructor(records: readonly TraceRecord[], end: Micros) {
    this.end = end;
    records.forEach((r, seq) => {
      if (r.ev === 'msg') this.msgs.push({ ...r, seq });
      else if (r.ev === 'recv') this.arrival.set(r.id, r.t);
      else {
        if (r.ev === 'upload') {
          this.addrs.set(r.chunk, r.addr);
          this.chunkIds.set(r.addr, r.chunk);
        }
        this.others.push({ ...r, seq });
      }
    });
  }

  /** When a message arrived at its receiver; null when it never did (its connection went down first). */
  arrives(m: MsgRecord): Micros | null {
    return this.arrival.get(m.id) ?? null;
  }

  chunkId(addr: string): number | undefined {
    return this.chunkIds.get(addr);
  }

  addr(chunk: number): string {
    return this.addrs.get(chunk) ?? `#${chunk}`;
  }

  private replies: Set<string> | undefined;

  /** Whether a request got any message back in its exchange (its receiver answered). */
  answered(m: MsgRecord): boolean {
    if (!this.replies) this.replies = new Set(this.msgs.filter((x) => x.ruid !== undefined && x.range === undefined).map((x) => `${x.from},${x.to},${x.ruid}`));
    return this.replies.has(`${m.to},${m.from},${m.ruid}`);
  }

  /** The messages between two nodes, either way, in the order they were sent. */
  between(a: number, b: number): Placed<MsgRecord>[] {
    return this.msgs.filter((m) => (m.from === a && m.to === b) || (m.from === b && m.to === a));
  }

  /** Records of one kind, in order. */
  of<E extends TraceRecord['ev']>(ev: E): Placed<Extract<TraceRecord, { ev: E }>>[] {
    return this.others.filter((r) => r.ev === ev) as Placed<Extract<TraceRecord, { ev: E }>>[];
  }
}

/** What a message did with `chunk`, if anything. */
export function carries(m: MsgRecord, chunk: number): Carried | undefined {
  if (m.delivered?.includes(chunk)) return 'delivered';
  if (m.offered?.includes(chunk)) return 'offered';
  if (m.wanted?.includes(chunk)) return 'wanted';
  return undefined;
}

/** A range as the Go client writes it: [from, to] or [from, live]. */
export const rangeText = (r: readonly [number, number | null]): string => `[${r[0]}, ${r[1] === null ? 'live' : r[1]}]`;

/** Bins as a compact list: 0..4, 7, 9..16. */
export function binsText(bins: readonly number[]): string {
  const xs = [...bins].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < xs.length; ) {
    let j = i;
    while (j + 1 < xs.length && xs[j + 1] === xs[j]! + 1) j++;
    parts.push(j > i ? `${xs[i]}..${xs[j]}` : String(xs[i]));
    i = j + 1;
  }
  return parts.join(', ');
}

/** A story's time: seconds with milliseconds, and microseconds when there are any (2.668s, 2.674725s). */
export function storyTime(t: Micros): string {
  const s = Math.floor(t / 1_000_000);
  const us = String(t % 1_000_000).padStart(6, '0');
  return `${s}.${us.endsWith('000') ? us.slice(0, 3) : us}s`;
}
