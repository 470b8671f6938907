import { MsgType } from './messages.js';
import type { Peer } from './peer.js';
import { subscriptionsDiff } from './subscriptions.js';
import type { SyncNode } from './node.js';
import { Subscribe } from './steps.js';

/**
 * The pull syncer (PROTOCOL.md §4.3): per peer, after the init backoff, subscribe to the bins syncBins allows;
 * then on every depth change re-diff and subscribe to the new bins / forget the cursors of the quit ones. The
 * StreamInfoReq is a step (steps.ts): InitPeer subscribes to depth signals only after it has been sent, so a depth
 * change while it waits for a core is missed (L3, PROTOCOL.md §10.3); a signal that comes while the loop sends
 * waits for it, as Go's buffered channel does.
 */
export class Syncer {
  /** PO-0 peers holding one of the 3 slots of bug #1972 */
  private po0Slots = 0;

  constructor(private readonly node: SyncNode) {}

  /** InitPeer: read depth, subscribe, then listen to depth changes. */
  initPeer(peer: Peer): void {
    const node = this.node;
    if (node.mutant('1972') && peer.po === 0) {
      if (this.po0Slots >= 3) return; // the 4th+ PO-0 peer waits on the semaphore for ever
      this.po0Slots++;
      peer.holdsSlot = true;
    }
    const depth = node.kad.depth;
    const [sub] = subscriptionsDiff(peer.po, -1, depth, node.opts.syncWithinDepthOnly);
    peer.depth = depth;
    this.update(peer, sub, [], true);
  }

  /** The first StreamInfoRes of a peer closes the L3 window. */
  answered(peer: Peer): void {
    peer.initDone = true;
  }

  /** The node's depth changed: wake every initialised peer's loop once (signals coalesce, buffered(1)). */
  depthChanged(): void {
    const node = this.node;
    for (const peer of node.peers.values()) {
      if (!peer.initDone || peer.signalPending) continue;
      peer.signalPending = true;
      if (!peer.updating) node.env.after(0, peer, peer.timerToken(true));
    }
  }

  depthSignal(peer: Peer): void {
    const node = this.node;
    peer.signalPending = false;
    const nd = node.kad.depth;
    const [sub, quit] = subscriptionsDiff(peer.po, peer.depth, nd, node.opts.syncWithinDepthOnly);
    peer.depth = nd;
    this.update(peer, node.mutant('resubscribeFirstBin') ? sub.slice(0, 1) : sub, quit, false);
  }

  peerGone(peer: Peer): void {
    if (peer.holdsSlot) this.po0Slots--;
  }

  /** updateSyncSubscriptions: make sure intervals exist, ask for cursors of new bins (a step), forget quit ones. */
  private update(peer: Peer, sub: number[], quit: number[], init: boolean): void {
    const node = this.node;
    if (sub.length === 0) return this.updated(peer, quit, init);
    for (const b of sub) if (b >= 0) node.intervals(peer.id, b);
    peer.updating = true;
    const c = node.costs;
    node.env.work(c.storeLookup * sub.length + c.send, new Subscribe(this, peer, sub, quit, init), 0);
  }

  subscribeStep(s: Subscribe): boolean {
    const peer = s.peer;
    peer.updating = false;
    if (peer.closed) return false;
    this.node.send(peer, { type: MsgType.StreamInfoReq, bins: s.sub.map((b) => b & 255) }); // uint8(-1) = 255: L5
    this.updated(peer, s.quit, s.init);
    return true;
  }

  /**
   * The update is done: quit bins lose their cursors; InitPeer's loop now listens to depth signals. L3: Go
   * subscribes to them only after sending; with the mutant the window lasts until the first StreamInfoRes.
   */
  private updated(peer: Peer, quit: readonly number[], init: boolean): void {
    for (const b of quit) if (b >= 0) peer.setCursor(b, -1);
    if (init && !this.node.mutant('L3')) peer.initDone = true;
    if (peer.signalPending) this.node.env.after(0, peer, peer.timerToken(true));
  }
}
