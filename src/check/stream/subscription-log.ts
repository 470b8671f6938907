import type { Micros } from '../../core/units.js';
import { MsgType, type Message } from '../../protocol/stream/messages.js';
import { subscriptionsDiff } from '../../protocol/stream/subscriptions.js';
import type { WorldObserver } from '../../sim/observer.js';
import { po16, type AddressTable } from '../../topology/address.js';
import type { DepthListener } from '../depth-log.js';
import { Buckets } from '../series.js';

/** Subscription changes kept per node, and in all. */
const PER_NODE = 16;
const TOTAL = 50_000;

/**
 * One node's subscription change at one instant: `subscribe` is what it asked on the wire (StreamInfoReq to a peer
 * it had subscribed to before on that connection), `quit` is derived (quits are not on the wire): the bins the
 * sync rule drops when the node's observed depth changes, over its peers at that instant.
 */
export interface SubscriptionChange {
  node: number;
  t: Micros;
  kind: 'subscribe' | 'quit';
  /** bins, all peers together */
  bins: number;
  /** the lowest and highest bin */
  lo: number;
  hi: number;
  peers: number;
}

export interface SubscriptionsJson {
  /** bins per bucket: "initial" (a new connection's StreamInfoReq), "subscribe" (a later one), "quit (derived)" */
  series: { width: Micros; rows: Record<string, number[]> };
  changes: SubscriptionChange[];
  /** per node: StreamInfoReqs sent after a connection's first, and quit bins derived */
  resubscribes: number[];
  quits: number[];
  /** changes not listed (over the limits) */
  capped: number;
}

/** A connection as one of its ends sees it: since when, and whether that end has subscribed on it yet. */
interface Side {
  since: Micros;
  subscribed: boolean;
}

/**
 * Subscriptions from the wire (StreamInfoReq) and derived quits (from the depth log's settled changes and
 * syncSubscriptionsDiff). It must observe the world after the DepthLog that calls `settled`: a change is settled
 * before the next event touching the node is applied, so the peers here are still those of the change's instant.
 */
export class SubscriptionLog implements WorldObserver, DepthListener {
  private readonly peers: Map<number, Side>[];
  private readonly perNode: Int32Array;
  private readonly resubscribes: Int32Array;
  private readonly quits: Int32Array;
  private readonly changes: SubscriptionChange[] = [];
  private readonly last: (SubscriptionChange | undefined)[];
  private readonly series = new Buckets();
  private capped = 0;

  constructor(
    private readonly addrs: AddressTable,
    n: number,
    private readonly onlyWithinDepth: boolean,
  ) {
    this.peers = Array.from({ length: n }, () => new Map());
    this.perNode = new Int32Array(n);
    this.resubscribes = new Int32Array(n);
    this.quits = new Int32Array(n);
    this.last = new Array<undefined>(n).fill(undefined);
  }

  connected(a: number, b: number, t: Micros): void {
    this.peers[a]!.set(b, { since: t, subscribed: false });
    this.peers[b]!.set(a, { since: t, subscribed: false });
  }

  disconnected(a: number, b: number): void {
    this.peers[a]!.delete(b);
    this.peers[b]!.delete(a);
  }

  sent(from: number, to: number, m: Message, _bytes: number, t: Micros): void {
    if (m.type !== MsgType.StreamInfoReq) return;
    const side = this.peers[from]!.get(to);
    if (side && !side.subscribed) {
      side.subscribed = true;
      this.series.add('initial', t, m.bins.length);
      return;
    }
    this.resubscribes[from]!++;
    this.series.add('subscribe', t, m.bins.length);
    this.record(from, t, 'subscribe', m.bins);
  }

  settled(node: number, prev: number, next: number, t: Micros): void {
    const me = this.addrs.head(node);
    for (const [peer, side] of this.peers[node]!) {
      if (side.since >= t) continue; // a new connection starts from the new depth
      const quit = subscriptionsDiff(po16(me, this.addrs.head(peer)), prev, next, this.onlyWithinDepth)[1];
      if (quit.length === 0) continue;
      this.quits[node]! += quit.length;
      this.series.add('quit (derived)', t, quit.length);
      this.record(node, t, 'quit', quit);
    }
  }

  toJSON(): SubscriptionsJson {
    return { series: this.series.toJSON(), changes: this.changes, resubscribes: Array.from(this.resubscribes), quits: Array.from(this.quits), capped: this.capped };
  }

  /** One change per (node, instant, kind): a depth change reaches many peers at once. */
  private record(node: number, t: Micros, kind: SubscriptionChange['kind'], bins: readonly number[]): void {
    const lo = Math.min(...bins);
    const hi = Math.max(...bins);
    const l = this.last[node];
    if (l && l.t === t && l.kind === kind) {
      l.bins += bins.length;
      l.lo = Math.min(l.lo, lo);
      l.hi = Math.max(l.hi, hi);
      l.peers++;
      return;
    }
    if (this.perNode[node]! >= PER_NODE || this.changes.length >= TOTAL) {
      this.capped++;
      return;
    }
    this.perNode[node]!++;
    const c: SubscriptionChange = { node, t, kind, bins: bins.length, lo, hi, peers: 1 };
    this.changes.push(c);
    this.last[node] = c;
  }
}
