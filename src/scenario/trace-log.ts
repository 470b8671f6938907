import type { Micros } from '../core/units.js';
import { DepthLog } from '../check/depth-log.js';
import { SCENARIO_REASONS } from '../check/drops.js';
import type { SubscriptionTrace } from '../check/stream/sub-trace.js';
import type { Protocol, WireMessage } from '../protocol/api.js';
import type { WorldObserver } from '../sim/observer.js';
import type { World } from '../sim/world.js';
import { po256 } from '../topology/address.js';
import type { FaultWindow } from './faults.js';
import type { Binding } from './protocols.js';
import { keeps, type MsgRecord, type TraceFilter, type TraceHeader, type TraceRecord } from './trace-format.js';

/** What to trace: every record, or those a filter keeps (chunks named by address), up to a number of records. */
export interface TraceOptions {
  filter?: { nodes: readonly number[]; chunks: readonly string[] };
  limit: number;
}

/** Exchanges and offers remembered at most (a 10k-node run opens millions; the oldest are forgotten first). */
const REMEMBERED = 1_000_000;

/** A Map that forgets its oldest entries beyond a size. */
class Recent<V> extends Map<string, V> {
  override set(k: string, v: V): this {
    this.delete(k);
    super.set(k, v);
    if (this.size > REMEMBERED) this.delete(this.keys().next().value!);
    return this;
  }
}

/**
 * The trace's recorder: a world observer that turns what the world reports into trace records (trace-format.ts).
 * Messages are described by the protocol (`describe`); a message's arrival is matched to its sending by the link's
 * FIFO order; depth changes come from the world's connect/disconnect events (a DepthLog of its own), subscription
 * changes from the protocol's binding, faults from the timeline's fault log. Records are kept in memory up to the
 * limit (the CLI writes them after the run); depth changes settle at the end of their instant, so `finish` sorts
 * the records by time (stably: records of one instant keep the order they happened in).
 */
export class TraceLog implements WorldObserver {
  readonly records: TraceRecord[] = [];
  dropped = 0;
  readonly filter: TraceFilter | undefined;
  private readonly chunkAddrs: ReadonlySet<string>;
  private readonly chunks = new Set<number>();
  private readonly protocol: Protocol<WireMessage>;
  private readonly names: readonly string[];
  private readonly depth: DepthLog;
  private readonly subs: SubscriptionTrace;
  private messages = 0;
  /** per link direction (from * n + to): the kept messages on their way, in sending order */
  private readonly inFlight = new Map<number, { msg: WireMessage; id: number }[]>();
  /** an exchange's bin and stream name, by the unordered pair and the exchange id */
  private readonly exchanges = new Recent<{ bin: number; stream: string | undefined }>();
  /** the latest offer of each exchange in each direction, for the want that answers it */
  private readonly offers = new Recent<readonly number[]>();

  constructor(
    private readonly world: World,
    binding: Binding,
    neighbourhoodSize: number,
    private readonly o: TraceOptions,
  ) {
    this.protocol = world.protocol;
    this.names = this.protocol.messageNames;
    const n = world.nodes.length;
    const addrs = world.topology.addrs;
    this.filter = o.filter ? { nodes: new Set(o.filter.nodes), chunks: this.chunks } : undefined;
    this.chunkAddrs = new Set(o.filter?.chunks ?? []);
    this.subs = binding.subscriptions(addrs, n, (c) => this.add({ t: c.t, ev: 'sub', node: c.node, peer: c.peer, kind: c.kind, bins: c.bins, derived: c.derived }));
    this.depth = new DepthLog(addrs, n, neighbourhoodSize, {
      settled: (node, prev, next, t) => {
        this.add({ t, ev: 'depth', node, depth: next, was: prev });
        this.subs.settled(node, prev, next, t);
      },
    });
  }

  /** The timeline's fault log tells this as windows open and close. */
  readonly fault = (w: FaultWindow, phase: 'begin' | 'end', t: Micros): void => {
    this.add({ t, ev: 'fault', phase, kind: w.kind, label: w.label, nodes: w.nodes, until: phase === 'begin' ? w.to : null });
  };

  uploaded(node: number, chunk: number, t: Micros): void {
    const addr = this.world.chunks.hex(chunk);
    if (this.chunkAddrs.has(addr)) this.chunks.add(chunk);
    this.add({ t, ev: 'upload', node, chunk, addr, bin: this.binOf(node, chunk) });
  }

  stored(node: number, chunk: number, t: Micros): void {
    this.add({ t, ev: 'store', node, chunk, bin: this.binOf(node, chunk) });
  }

  removed(node: number, chunk: number, t: Micros): void {
    this.add({ t, ev: 'remove', node, chunk });
  }

  connected(a: number, b: number, t: Micros): void {
    this.depth.connected(a, b, t);
    this.subs.connected?.(a, b, t);
    const addrs = this.world.topology.addrs;
    this.add({ t, ev: 'connect', a, b, po: po256(addrs, a, addrs, b) });
  }

  disconnected(a: number, b: number, reason: string, t: Micros): void {
    this.depth.disconnected(a, b, reason, t);
    this.subs.disconnected?.(a, b, reason, t);
    const n = this.world.nodes.length;
    this.inFlight.delete(a * n + b); // what was on its way is lost with the connection
    this.inFlight.delete(b * n + a);
    this.add({ t, ev: 'disconnect', a, b, reason, drop: !SCENARIO_REASONS.includes(reason) });
  }

  nodeUp(node: number, up: boolean, t: Micros): void {
    this.depth.nodeUp(node, up, t);
    this.add({ t, ev: 'node', node, up });
  }

  stateChanged(node: number, name: string, value: number, cause: string, t: Micros): void {
    this.add({ t, ev: 'state', node, name, value, cause });
  }

  sent(from: number, to: number, msg: WireMessage, bytes: number, t: Micros): void {
    const id = this.messages++;
    // a filtered trace keeps a message by its ends alone (trace-format.ts, keeps): the others cost nothing more
    if (this.filter && !this.filter.nodes.has(from) && !this.filter.nodes.has(to)) return;
    this.subs.sent?.(from, to, msg, bytes, t);
    const r = this.message(from, to, msg, bytes, t, id);
    this.push(r); // over the limit, its arrival is counted too
    const key = from * this.world.nodes.length + to;
    let q = this.inFlight.get(key);
    if (!q) this.inFlight.set(key, (q = []));
    q.push({ msg, id: r.id });
  }

  received(from: number, to: number, msg: WireMessage, t: Micros): void {
    if (this.filter && !this.filter.nodes.has(from) && !this.filter.nodes.has(to)) return;
    const q = this.inFlight.get(from * this.world.nodes.length + to);
    // the link is FIFO, but under the goroutine runtime handlers start out of order: find the message itself
    const i = q ? q.findIndex((e) => e.msg === msg) : -1;
    if (i < 0) return; // a message the trace left out
    const { id } = q!.splice(i, 1)[0]!;
    this.add({ t, ev: 'recv', id, from, to });
  }

  /** The trace's first line, for a run of `scenario` on `seed` that ended as these say. */
  header(scenario: string, seed: number, fingerprint: string, configHash: string): TraceHeader {
    const f = this.o.filter;
    return {
      pullsim: 1, kind: 'trace', format: 1, scenario, seed, fingerprint, configHash,
      protocol: this.protocol.kind, messages: this.names, nodes: this.world.topology.ids,
      filter: f ? { nodes: [...f.nodes], chunks: [...f.chunks] } : null,
      limit: this.o.limit, records: this.records.length, dropped: this.dropped, end: this.world.now,
    };
  }

  /** Settles the last depth changes; the records in time order. */
  finish(): TraceRecord[] {
    this.depth.finish();
    return this.records.sort((x, y) => x.t - y.t);
  }

  private message(from: number, to: number, msg: WireMessage, bytes: number, t: Micros, id: number): MsgRecord {
    const f = this.protocol.describe(msg);
    let bin = f.bin;
    let stream = f.stream;
    let wanted: number[] | undefined;
    let of: number | undefined;
    if (f.exchange !== undefined) {
      const ex = `${Math.min(from, to)},${Math.max(from, to)},${f.exchange}`;
      if (bin !== undefined) this.exchanges.set(ex, { bin, stream });
      else ({ bin, stream } = this.exchanges.get(ex) ?? {});
      if (f.offered) this.offers.set(`${from},${to},${f.exchange}`, f.offered);
      const offer = f.wanted ? this.offers.get(`${to},${from},${f.exchange}`) : undefined;
      if (f.wanted && offer) {
        this.offers.delete(`${to},${from},${f.exchange}`);
        wanted = f.wanted.filter((i) => i < offer.length).map((i) => offer[i]!);
        of = offer.length;
      }
    }
    return {
      t, ev: 'msg', id, type: this.names[msg.type] ?? String(msg.type), from, to, bytes,
      ...(f.exchange !== undefined ? { ruid: f.exchange } : {}),
      ...(bin !== undefined ? { bin } : {}),
      ...(stream !== undefined ? { stream } : {}),
      ...(f.bins ? { bins: f.bins } : {}),
      ...(f.range ? { range: f.range } : {}),
      ...(f.lastIndex !== undefined ? { lastIndex: f.lastIndex } : {}),
      ...(f.offered ? { offered: f.offered } : {}),
      ...(wanted ? { wanted, of } : f.wanted ? { positions: f.wanted } : {}),
      ...(f.delivered ? { delivered: Array.from(f.delivered) } : {}),
      ...(f.more ? { more: f.more } : {}),
    };
  }

  /** Keeps a record unless the filter leaves it out (an arrival is reported only for a kept message: see `received`). */
  private add(r: TraceRecord): void {
    if (!this.filter || keeps(this.filter, r, () => true)) this.push(r);
  }

  /** Keeps a record, or counts it as left out when the trace is full. */
  private push(r: TraceRecord): void {
    if (this.records.length < this.o.limit) this.records.push(r);
    else this.dropped++;
  }

  private binOf(node: number, chunk: number): number {
    return this.protocol.binOf(this.world.topology.addrs.head(node), this.world.chunkHeads.heads[chunk]!);
  }
}
