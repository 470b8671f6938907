import type { Timed } from './env.js';
import { BINS } from './localstore.js';
import type { SyncNode } from './node.js';

/** Key of a (bin, kind) pair in the per-peer guard arrays: kind 1 = live ("head"), 0 = history. */
export const rangeKey = (bin: number, live: boolean): number => bin * 2 + (live ? 1 : 0);

/**
 * One range of one stream between two peers, with a cancellable timer: a client's want and a server's batch
 * are both one. The timer fires `expire` unless the token moved on, the task ended or the peer left.
 */
abstract class RangeTask implements Timed {
  token = 0;
  done = false;
  constructor(
    readonly node: SyncNode,
    readonly peer: Peer,
    readonly ruid: number,
    readonly bin: number,
    readonly from: number,
    public to: number,
    readonly live: boolean,
  ) {}
  fire(token: number): boolean {
    if (token !== this.token || this.done || this.peer.closed) return false;
    this.expire();
    return true;
  }
  protected abstract expire(): void;
}

/**
 * What a client waits for after a GetRange (Go's `want`):
 *   requested -> offered (WantedHashes sent, chunks awaited) -> sealed | timedOut | abandoned
 */
export class Want extends RangeTask {
  /** wanted chunk ids still to arrive (undefined until an offer was answered) */
  pending: Set<number> | undefined;
  protected expire(): void {
    this.node.client.batchTimedOut(this);
  }
}

/** A batch of offered hashes the server keeps until the client's WantedHashes. */
export interface Offer {
  readonly bin: number;
  readonly hashes: readonly number[];
}

/**
 * A server collecting one batch for a GetRange (Go's collectBatch):
 *   scanning -> parked (waiting for puts into the bin; idle timer armed after the first hash) -> finished
 */
export class Collector extends RangeTask {
  readonly hashes: number[] = [];
  last = 0;
  next = this.from;
  protected expire(): void {
    this.node.server.finish(this);
  }
}

/** The syncer's two timers per peer: the init backoff and the (coalesced) depth-change signal. */
export class PeerTimer implements Timed {
  constructor(
    readonly node: SyncNode,
    readonly peer: Peer,
    readonly signal: boolean,
  ) {}
  fire(token: number): boolean {
    if (this.peer.closed || token !== this.peer.epoch) return false;
    if (this.signal) this.node.syncer.depthSignal(this.peer);
    else this.node.syncer.initPeer(this.peer);
    return true;
  }
}

/** Everything one node keeps about one connected peer; discarded on disconnect (intervals live elsewhere). */
export class Peer {
  closed = false;
  // pull syncer
  /** the depth the syncer last subscribed for; -1 before InitPeer */
  depth = -1;
  initDone = false;
  signalPending = false;
  /** holds a slot of the #1972 mutant's PO-0 semaphore */
  holdsSlot = false;
  readonly initTimer: PeerTimer;
  readonly signalTimer: PeerTimer;
  // client
  /** streamCursors: cursor per bin, -1 = not subscribed (a plain array: half a Float64Array's memory per peer) */
  readonly cursors: number[] = new Array<number>(BINS).fill(-1);
  readonly wants = new Map<number, Want>();
  /** clientOpenGetRange: the open want per (bin, kind) */
  readonly clientOpen: (Want | undefined)[] = new Array<Want | undefined>(BINS * 2).fill(undefined);
  // server
  readonly offers = new Map<number, Offer>();
  /**
   * serverOpenGetRange: a GetRange is being served per (bin, kind), as one bit per bin in two words (history,
   * live) rather than a typed array: a 10k-node network has 600k peers (docs/bench.md)
   */
  private servingHistory = 0;
  private servingLive = 0;

  constructor(
    node: SyncNode,
    readonly id: number,
    /** capped PO between the two nodes (what syncBins uses) */
    readonly po: number,
    /** full 256-bit PO (what kademlia uses) */
    readonly po256: number,
    /** distinguishes this connection's timers from an earlier connection's */
    readonly epoch: number,
  ) {
    this.initTimer = new PeerTimer(node, this, false);
    this.signalTimer = new PeerTimer(node, this, true);
  }

  /** serverOpenGetRange[key], key = rangeKey(bin, live) */
  isServing(key: number): boolean {
    return (((key & 1 ? this.servingLive : this.servingHistory) >>> (key >> 1)) & 1) === 1;
  }

  setServing(key: number, on: boolean): void {
    const bit = 1 << (key >> 1);
    if (key & 1) this.servingLive = on ? this.servingLive | bit : this.servingLive & ~bit;
    else this.servingHistory = on ? this.servingHistory | bit : this.servingHistory & ~bit;
  }
}
