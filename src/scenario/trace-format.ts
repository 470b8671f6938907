import type { Micros } from '../core/units.js';

/**
 * The records of a trace (`pullsim run --trace` writes them as trace.jsonl, `pullsim explain` reads them or records
 * them again): one JSON object per line, after a header line. Nodes are indexes into the header's `nodes`, chunks
 * are the run's chunk ids (upload order) with their address in their `upload` record, times are virtual
 * microseconds. docs/trace.md describes every record and field.
 */

/** The first line: what run the trace is of, and what it holds. */
export interface TraceHeader {
  pullsim: 1;
  kind: 'trace';
  format: 1;
  scenario: string;
  seed: number;
  fingerprint: string;
  configHash: string;
  /** the protocol's kind ("stream"), and its message names */
  protocol: string;
  messages: readonly string[];
  /** node ids (overlay addresses, hex) by index */
  nodes: readonly string[];
  /** null: every record; otherwise only records that touch these nodes or chunks (see `keeps`) */
  filter: TraceFilterJson | null;
  /** the most records the trace keeps, how many it holds, and how many it left out over the limit */
  limit: number;
  records: number;
  dropped: number;
  /** the virtual time the run ended */
  end: Micros;
}

export interface TraceFilterJson {
  nodes: number[];
  /** chunk addresses (hex) */
  chunks: string[];
}

/** A message as the sender put it on the wire (its fields from the protocol's `describe`). */
export interface MsgRecord {
  t: Micros;
  ev: 'msg';
  /** the message's number in the run (every message counts, kept or not: the same in any trace of the run) */
  id: number;
  type: string;
  from: number;
  to: number;
  bytes: number;
  ruid?: number;
  bin?: number;
  stream?: string;
  bins?: readonly number[];
  /** [From, To]; To null for an open-ended (live) range */
  range?: readonly [number, number | null];
  lastIndex?: number;
  offered?: readonly number[];
  /** wanted chunk ids (the positions mapped onto the offer they answer) and the offer's size */
  wanted?: readonly number[];
  of?: number;
  /** wanted positions whose offer the trace did not see */
  positions?: readonly number[];
  delivered?: readonly number[];
  more?: Readonly<Record<string, number | boolean | string | readonly number[]>>;
}

export interface RecvRecord { t: Micros; ev: 'recv'; id: number; from: number; to: number }
export interface UploadRecord { t: Micros; ev: 'upload'; node: number; chunk: number; addr: string; bin: number }
export interface StoreRecord { t: Micros; ev: 'store'; node: number; chunk: number; bin: number }
export interface RemoveRecord { t: Micros; ev: 'remove'; node: number; chunk: number }
export interface ConnectRecord { t: Micros; ev: 'connect'; a: number; b: number; po: number }
/** `drop`: the protocol dropped the peer (a handler's Break); false for the scenario's disconnects and stops */
export interface DisconnectRecord { t: Micros; ev: 'disconnect'; a: number; b: number; reason: string; drop: boolean }
export interface NodeRecord { t: Micros; ev: 'node'; node: number; up: boolean }
/** a node's depth after the instant `t`, from the world's connect/disconnect events (never the node's own table) */
export interface DepthRecord { t: Micros; ev: 'depth'; node: number; depth: number; was: number }
/** a subscription change of `node` to `peer`'s streams: on the wire, or derived (not on the wire) */
export interface SubRecord { t: Micros; ev: 'sub'; node: number; peer: number; kind: 'subscribe' | 'quit'; bins: readonly number[]; derived: boolean }
/** a fault window opens (`until`: its planned end, null for none) or closes */
export interface FaultRecord { t: Micros; ev: 'fault'; phase: 'begin' | 'end'; kind: string; label: string; nodes: readonly number[] | null; until: Micros | null }
export interface StateRecord { t: Micros; ev: 'state'; node: number; name: string; value: number; cause: string }

export type TraceRecord = MsgRecord | RecvRecord | UploadRecord | StoreRecord | RemoveRecord | ConnectRecord | DisconnectRecord | NodeRecord | DepthRecord | SubRecord | FaultRecord | StateRecord;

/** What a filtered trace keeps: records that touch one of these nodes or chunks (ids), and every run-wide record. */
export interface TraceFilter {
  nodes: ReadonlySet<number>;
  chunks: ReadonlySet<number>;
}

/**
 * Whether a filtered trace keeps a record: a message from or to a filtered node, and its arrival; a chunk's upload,
 * store or removal at a filtered node or of a filtered chunk (who held it, and when); connections, subscriptions and
 * states of filtered nodes; every depth change, node start or stop and fault. A recorder can tell from a message's
 * ends alone whether it is kept: messages between other nodes cost a filtered run nothing.
 */
export function keeps(f: TraceFilter, r: TraceRecord, keptMessage: (id: number) => boolean): boolean {
  switch (r.ev) {
    case 'msg':
      return f.nodes.has(r.from) || f.nodes.has(r.to);
    case 'recv':
      return keptMessage(r.id);
    case 'upload':
    case 'store':
    case 'remove':
      return f.nodes.has(r.node) || f.chunks.has(r.chunk);
    case 'connect':
    case 'disconnect':
      return f.nodes.has(r.a) || f.nodes.has(r.b);
    case 'sub':
      return f.nodes.has(r.node) || f.nodes.has(r.peer);
    case 'state':
      return f.nodes.has(r.node);
    case 'depth':
    case 'node':
    case 'fault':
      return true;
  }
}

/**
 * The records a trace filtered to `focus` would hold (chunks named by address: an upload record gives each its id),
 * from any trace that holds at least those, in order: what makes a story the same from a whole trace, a trace of
 * several stories, or a re-run recorded for it alone.
 */
export function narrow(records: Iterable<TraceRecord>, focus: { nodes: readonly number[]; chunks: readonly string[] }): TraceRecord[] {
  const chunks = new Set<number>();
  const filter: TraceFilter = { nodes: new Set(focus.nodes), chunks };
  const addrs = new Set(focus.chunks);
  const kept = new Set<number>();
  const out: TraceRecord[] = [];
  for (const r of records) {
    if (r.ev === 'upload' && addrs.has(r.addr)) chunks.add(r.chunk);
    if (!keeps(filter, r, (id) => kept.has(id))) continue;
    if (r.ev === 'msg') kept.add(r.id);
    out.push(r);
  }
  return out;
}

/** A trace as lines: the header, then each record (JSON.stringify keeps each record's key order: same bytes each time). */
export function* traceLines(header: TraceHeader, records: readonly TraceRecord[]): Generator<string> {
  yield JSON.stringify(header) + '\n';
  let buf = '';
  for (const r of records) {
    buf += JSON.stringify(r) + '\n';
    if (buf.length > 1 << 16) {
      yield buf;
      buf = '';
    }
  }
  yield buf;
}
