import type { Micros } from '../../core/units.js';
import { MsgType, type Message } from '../../protocol/stream/messages.js';
import { subscriptionsDiff } from '../../protocol/stream/subscriptions.js';
import type { WorldObserver } from '../../sim/observer.js';
import { po16, type AddressTable } from '../../topology/address.js';
import type { DepthListener } from '../depth-log.js';

/** One subscription change of `node` to `peer`'s streams, as the trace records it. */
export interface SubscriptionChangeOf {
  node: number;
  peer: number;
  kind: 'subscribe' | 'quit';
  bins: readonly number[];
  /** not on the wire: worked out from a depth change by the sync rule */
  derived: boolean;
  t: Micros;
}

/** What a trace needs of a protocol's subscriptions: the world's events, and each settled depth change. */
export type SubscriptionTrace = WorldObserver & DepthListener;

/**
 * stream!'s subscription changes per (node, peer) for the trace: a subscribe is a StreamInfoReq on the wire (the
 * bins it asks for); a quit is derived, as quits are not on the wire: the bins syncSubscriptionsDiff drops from each
 * peer connected before the instant of a settled depth change. Like the SubscriptionLog, it must observe the world
 * after the DepthLog that tells it of settled changes.
 */
export class StreamSubscriptionTrace implements SubscriptionTrace {
  /** per node: its peers and since when */
  private readonly peers: Map<number, Micros>[];

  constructor(
    private readonly addrs: AddressTable,
    n: number,
    private readonly onlyWithinDepth: boolean,
    private readonly emit: (c: SubscriptionChangeOf) => void,
  ) {
    this.peers = Array.from({ length: n }, () => new Map());
  }

  connected(a: number, b: number, t: Micros): void {
    this.peers[a]!.set(b, t);
    this.peers[b]!.set(a, t);
  }

  disconnected(a: number, b: number): void {
    this.peers[a]!.delete(b);
    this.peers[b]!.delete(a);
  }

  sent(from: number, to: number, m: Message, _bytes: number, t: Micros): void {
    if (m.type === MsgType.StreamInfoReq) this.emit({ node: from, peer: to, kind: 'subscribe', bins: m.bins, derived: false, t });
  }

  settled(node: number, prev: number, next: number, t: Micros): void {
    const me = this.addrs.head(node);
    for (const [peer, since] of this.peers[node]!) {
      if (since >= t) continue; // a new connection starts from the new depth
      const quit = subscriptionsDiff(po16(me, this.addrs.head(peer)), prev, next, this.onlyWithinDepth)[1];
      if (quit.length > 0) this.emit({ node, peer, kind: 'quit', bins: quit, derived: true, t });
    }
  }
}
