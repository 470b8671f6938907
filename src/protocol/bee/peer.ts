import { peerPO } from './bins.js';
import { Limiter } from './limiter.js';
import type { Ack, Delivery, Offer, Opened, Reset } from './messages.js';
import type { Handler } from './handler.js';

/** A message of a stream this node opened, as the handler's side sends it. */
export type ToOpener = Opened | Ack | Offer | Delivery | Reset;

/** The opener's side of one stream: a sync exchange of a worker, or a cursor request of the puller. */
export interface ClientStream {
  receive(peer: BeePeer, m: ToOpener): void;
  /** the connection went down under the stream (its next read fails) */
  broken(): void;
}

/**
 * One live connection as a node sees it; discarded on disconnect. It holds the streams open on it in both
 * directions, by the opener's stream id, and the server's rate limiter for this peer (pullsync's limiter is
 * keyed by peer and cleared on disconnect).
 */
export class BeePeer {
  closed = false;
  /** the puller's PO of the peer (EachConnectedPeerRev): the 256-bit PO capped at 31 */
  readonly po: number;
  /** streams the peer opened on us (we are the handler) */
  readonly served = new Map<number, Handler>();
  /** streams we opened on the peer */
  readonly opened = new Map<number, ClientStream>();
  private limiter: Limiter | undefined;

  constructor(
    readonly id: number,
    /** full 256-bit PO (what Kademlia uses) */
    readonly po256: number,
    /** distinguishes this connection from an earlier one between the same nodes */
    readonly epoch: number,
    /** the network's handle of the connection, handed back with every message sent */
    readonly link: unknown,
    /** order of connection at this node: EachConnectedPeerRev's order within a bin */
    readonly seq: number,
  ) {
    this.po = peerPO(po256);
  }

  /** The server's limiter for this peer: `serverRate` chunks a second, burst `burst`. */
  serverLimiter(rate: number, burst: number): Limiter {
    return (this.limiter ??= new Limiter(rate, burst));
  }
}
