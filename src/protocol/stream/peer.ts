import type { Timed } from '../env.js';
import { BINS } from './localstore.js';
import type { SyncNode } from './node.js';

/** Key of a (bin, kind) pair in the per-peer guards: kind 1 = live ("head"), 0 = history. */
export const rangeKey = (bin: number, live: boolean): number => bin * 2 + (live ? 1 : 0);

/**
 * One range of one stream between two peers, with a cancellable timer: a client's want and a server's batch
 * are both one. The timer is live while its token is the task's and the task is not done.
 */
abstract class RangeTask {
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
}

/**
 * What a client waits for after a GetRange (Go's `want`):
 *   requested -> offered (WantedHashes sent, chunks awaited) -> sealed | timedOut | abandoned
 */
export class Want extends RangeTask {
  // The batch timer's token is unique in the node and the timer's record is the node's WantTimer, not the want:
  // a want the queue referred to would stay in memory for the whole timeout (10 s) after it was sealed.
  /**
   * wanted chunk ids still to arrive (undefined until an offer was answered): at most a batch (64), so a
   * plain array searched linearly, not a Set (a 10k-node run keeps a million wants: docs/bench.md)
   */
  pending: number[] | undefined;
  /** in the peer's wants map (Go's `wants`, looked up by ruid) */
  active = false;
  /** holds the peer's clientOpenGetRange slot of its (bin, kind) (may outlive `active`: L2) */
  slot = false;
  /** the next want in the peer's list */
  nextWant: Want | undefined;
}

/**
 * The record of every want's batch timer in a node: token = the want's token, arg = the peer. Go's handler
 * waits in a select; when the timer fires it must run again to act (a step: under load, after the cores).
 */
export class WantTimer implements Timed {
  constructor(private readonly node: SyncNode) {}

  fire(token: number, peerId: number): boolean {
    if (!this.node.peers.get(peerId)?.wantByToken(token)) return false;
    this.node.env.work(this.node.costs.handler, this.node.wantTimeout, token, peerId);
    return true;
  }
}

/** The timed-out batch's handler runs: the want may have been sealed meanwhile (its chunks were already put). */
export class WantTimeout implements Timed {
  constructor(private readonly node: SyncNode) {}

  fire(token: number, peerId: number): boolean {
    const want = this.node.peers.get(peerId)?.wantByToken(token);
    if (!want) return false;
    this.node.client.batchTimedOut(want);
    return true;
  }
}

/** The stage a collector's record fires with when its offer step has run (its idle timer fires with 0). */
export const OFFER = 1;

/**
 * A server collecting one batch for a GetRange (Go's collectBatch):
 *   scanning -> parked (waiting for puts into the bin; idle timer armed after the first hash) -> finished -> offered
 */
export class Collector extends RangeTask implements Timed {
  readonly hashes: number[] = [];
  last = 0;
  next = this.from;
  /** where the collector is in its bin's list of parked collectors (-1: not parked) */
  parkedAt = -1;
  /** the next batch in the peer's list of offers awaiting WantedHashes */
  nextOffer: Collector | undefined;
  /**
   * The idle timer as Go resets it on every hash (`timer.Reset(batchTimeout)`), without an event per reset:
   * `deadline` is when it would fire now, and one event at a time (`armed`) chases it. It fires at the
   * deadline, finds it moved on and re-schedules itself there, until it meets it. It expires at the very
   * virtual time a timer re-armed per hash would, with an event per `serverBatchTimeout` of activity instead of
   * one per hash (most of a run's events were such stale timers: docs/bench.md).
   */
  deadline = 0;
  armed = false;

  /** (Re)starts the idle timer: it fires `timeout` after now unless reset again. */
  resetIdle(timeout: number): void {
    const env = this.node.env;
    this.deadline = env.now() + timeout;
    if (this.armed) return;
    this.armed = true;
    env.after(timeout, this, this.token);
  }

  fire(token: number, stage: number): boolean {
    if (stage === OFFER) return token === this.token && this.node.server.offer(this);
    if (token !== this.token || this.done || this.peer.closed) return false;
    const env = this.node.env;
    const deadline = this.node.server.idleDeadline(this);
    if (env.now() < deadline) {
      env.at(deadline, this, token);
      return false;
    }
    this.armed = false;
    this.node.server.finish(this);
    return true;
  }
}

/**
 * Everything one node keeps about one connected peer; discarded on disconnect (intervals live elsewhere).
 * A 10k-node run has 600k of these (docs/bench.md), so the per-peer lists are short lists linked through their
 * items and searched linearly (a peer has a few open ranges per subscribed bin), not Maps or arrays, and the peer
 * is its own timer record.
 *
 * It is the record of the syncer's two timers: the init backoff (token = epoch * 2) and the coalesced
 * depth-change signal (token = epoch * 2 + 1); a timer of an earlier connection finds this peer closed.
 */
export class Peer implements Timed {
  closed = false;
  // pull syncer
  /** the depth the syncer last subscribed for; -1 before InitPeer */
  depth = -1;
  initDone = false;
  signalPending = false;
  /** the syncer's loop is sending a StreamInfoReq (a depth signal waits for it) */
  updating = false;
  /** holds a slot of the #1972 mutant's PO-0 semaphore */
  holdsSlot = false;
  // client
  /**
   * the client's wants, a list linked through the wants (no array per peer), newest first: each is active
   * (in Go's wants map by ruid), holds its (bin, kind) slot of clientOpenGetRange, or both; it leaves the list
   * when neither. Order never matters: ruids, slots and timer tokens are unique among the wants they select.
   */
  firstWant: Want | undefined;
  // server
  /** batches offered and not yet answered by WantedHashes, linked through the collectors */
  private firstOffer: Collector | undefined;
  /**
   * serverOpenGetRange: a GetRange is being served per (bin, kind), as one bit per bin in two words (history,
   * live) rather than a typed array
   */
  private servingHistory = 0;
  private servingLive = 0;

  constructor(
    private readonly node: SyncNode,
    readonly id: number,
    /** capped PO between the two nodes (what syncBins uses) */
    readonly po: number,
    /** full 256-bit PO (what kademlia uses) */
    readonly po256: number,
    /** distinguishes this connection's timers from an earlier connection's */
    readonly epoch: number,
    /** the connection's slot in the node's per-peer tables (cursors), reused after the peer leaves */
    readonly slot: number,
    /** the network's handle of the connection (opaque here), handed back with every message sent */
    readonly link: unknown,
  ) {}

  /** streamCursors[bin]: the cursor, -1 = not subscribed (a closed peer has none) */
  cursor(bin: number): number {
    return this.closed ? -1 : this.node.cursors[this.slot * BINS + bin]!;
  }

  setCursor(bin: number, cursor: number): void {
    if (!this.closed) this.node.cursors[this.slot * BINS + bin] = cursor;
  }

  /** token of the init backoff timer (signal false) or the depth-change signal (signal true) */
  timerToken(signal: boolean): number {
    return this.epoch * 2 + (signal ? 1 : 0);
  }

  fire(token: number): boolean {
    if (this.closed || token >> 1 !== this.epoch) return false;
    if (token & 1) this.node.syncer.depthSignal(this);
    else this.node.syncer.initPeer(this);
    return true;
  }

  /** wants[ruid] */
  want(ruid: number): Want | undefined {
    for (let w = this.firstWant; w; w = w.nextWant) if (w.active && w.ruid === ruid) return w;
    return undefined;
  }

  /** The active want whose batch timer has this token. */
  wantByToken(token: number): Want | undefined {
    for (let w = this.firstWant; w; w = w.nextWant) if (w.active && !w.done && w.token === token) return w;
    return undefined;
  }

  /** wants[ruid] = w (an active want of the same ruid is replaced, as a map's set would) */
  addWant(w: Want): void {
    const old = this.want(w.ruid);
    if (old) this.removeWant(old);
    w.active = true;
    w.nextWant = this.firstWant;
    this.firstWant = w;
  }

  /** delete(wants, ruid) */
  removeWant(w: Want): void {
    w.active = false;
    this.tidy(w);
  }

  /** clientOpenGetRange[key], key = rangeKey(bin, live) */
  openWant(key: number): Want | undefined {
    for (let w = this.firstWant; w; w = w.nextWant) if (w.slot && rangeKey(w.bin, w.live) === key) return w;
    return undefined;
  }

  /** The want (already added) takes its (bin, kind) slot from whichever want held it. */
  takeSlot(w: Want): void {
    const old = this.openWant(rangeKey(w.bin, w.live));
    if (old) this.releaseSlot(old);
    w.slot = true;
  }

  /** Frees the want's (bin, kind) slot if it holds it. */
  releaseSlot(w: Want): void {
    w.slot = false;
    this.tidy(w);
  }

  private tidy(w: Want): void {
    if (w.active || w.slot) return;
    if (this.firstWant === w) this.firstWant = w.nextWant;
    else for (let x = this.firstWant; x; x = x.nextWant) if (x.nextWant === w) x.nextWant = w.nextWant;
    w.nextWant = undefined;
  }

  /** Keeps an offered batch until the client's WantedHashes (one of the same ruid is replaced). */
  addOffer(c: Collector): void {
    const old = this.offer(c.ruid);
    if (old) this.removeOffer(old);
    c.nextOffer = this.firstOffer;
    this.firstOffer = c;
  }

  removeOffer(c: Collector): void {
    if (this.firstOffer === c) this.firstOffer = c.nextOffer;
    else for (let x = this.firstOffer; x; x = x.nextOffer) if (x.nextOffer === c) x.nextOffer = c.nextOffer;
    c.nextOffer = undefined;
  }

  offer(ruid: number): Collector | undefined {
    for (let c = this.firstOffer; c; c = c.nextOffer) if (c.ruid === ruid) return c;
    return undefined;
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
