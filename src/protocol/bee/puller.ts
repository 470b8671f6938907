import { shuffle } from '../../core/rng.js';
import type { Timed } from '../env.js';
import { Limiter } from './limiter.js';
import type { BeeNode } from './node.js';
import { SyncRate } from './rate.js';
import type { PullerStore } from './statestore.js';
import { SyncPeer } from './syncpeer.js';

const TICK = 0;
const WAKE = 1;

/**
 * Bee's puller (pkg/puller/puller.go): `manage` runs `onChange` when it starts, on every topology change signal
 * and on a ticker every `recalcPeersDur`; both channels hold one pending signal, and nothing is heard while
 * an onChange runs. onChange: on a radius decrease every sync peer is dropped and `resetIntervals(old radius)`
 * runs; connected peers become sync peers, gone ones are dropped; then `recalcPeers` runs `syncPeer` for every
 * sync peer in parallel and waits for all (a peer's first call fetches its cursors; a new epoch resets its
 * intervals). The bin rule: a peer at PO >= radius syncs every bin >= radius, one at most `maxPODelta` below
 * syncs only its PO bin, any other none.
 *   idle -> recalculating (cursors awaited) -> idle; a signal while recalculating waits for the end
 */
export class Puller implements Timed {
  readonly syncPeers = new Map<number, SyncPeer>();
  /** maxChunksPerSecond: the node's limiter of chunks pulled */
  readonly limiter: Limiter;
  /** the historical sync rate (SyncRate), read by the reserve worker */
  readonly rate: SyncRate;
  /** onChange runs so far (Bee logs each) */
  recalculations = 0;
  private started = false;
  private stopped = false;
  private prevRadius = 0;
  private busy = false;
  private pendingSignal = false;
  private pendingTick = false;
  private wakeArmed = false;
  // the recalculation in progress
  private radius = 0;
  private outstanding = 0;
  private queue: SyncPeer[] = [];
  private awaiting: SyncPeer | undefined;
  private advancing = false;

  constructor(
    readonly node: BeeNode,
    readonly store: PullerStore,
    private readonly token: number,
  ) {
    const opts = node.opts;
    this.limiter = new Limiter(opts.clientRate, opts.clientRate);
    this.rate = new SyncRate(opts.histRateWindow);
  }

  /** Start (after warm-up): the first onChange and the ticker; before PR 3643 neither, only signals. */
  start(): void {
    this.started = true;
    if (this.node.mutant('bee-3643')) return;
    this.node.env.after(this.node.opts.recalcPeersDur, this, this.token, TICK);
    this.onChange();
  }

  stop(): void {
    this.stopped = true;
    for (const sp of this.syncPeers.values()) sp.stop();
  }

  /** Kademlia's notifyPeerSig: a connection came or went, or the radius changed. */
  signal(): void {
    if (!this.started || this.stopped) return;
    this.pendingSignal = true;
    this.wake();
  }

  syncRate(): number {
    return this.started ? this.rate.rate(this.node.env.now()) : 0;
  }

  fire(token: number, arg: number): boolean {
    if (token !== this.token || this.stopped) return false;
    if (arg === TICK) {
      this.node.env.after(this.node.opts.recalcPeersDur, this, this.token, TICK);
      this.pendingTick = true;
      this.wake();
      return true;
    }
    this.wakeArmed = false;
    if (this.busy) return false;
    if (this.pendingSignal) this.pendingSignal = false;
    else if (this.pendingTick) this.pendingTick = false;
    else return false;
    this.onChange();
    return true;
  }

  /** A GetCursors returned: cursors, or undefined on error. */
  cursorsArrived(sp: SyncPeer, cursors: readonly number[] | undefined, epoch: number): void {
    if (this.stopped) return;
    if (cursors) {
      sp.cursors = cursors;
      if (!this.node.mutant('bee-4290') && this.store.epoch(sp.id) !== epoch) {
        sp.stop();
        this.store.resetPeer(sp.id);
        this.store.setEpoch(sp.id, sp.po, epoch);
      }
      this.syncBins(sp);
    }
    if (this.node.mutant('bee-4443')) {
      this.awaiting = undefined;
      if (!this.advancing) this.advance();
    } else if (--this.outstanding === 0) this.finish();
  }

  /** Why the puller is busy ('' when idle with every worker done or waiting for an Offer). */
  pending(): string {
    if (this.busy) return 'peer recalculation';
    if (this.wakeArmed || this.pendingSignal) return 'topology signal';
    for (const sp of this.syncPeers.values()) {
      if (!sp.cursors && !this.node.mutant('bee-3643')) return `no cursors of peer ${sp.id}`;
      const why = sp.pending();
      if (why) return why;
    }
    return '';
  }

  private wake(): void {
    if (this.busy || this.wakeArmed) return;
    this.wakeArmed = true;
    this.node.env.after(0, this, this.token, WAKE);
  }

  private onChange(): void {
    this.busy = true;
    this.recalculations++;
    const node = this.node;
    const radius = node.reserve.radius;
    if (radius < this.prevRadius) {
      for (const sp of [...this.syncPeers.values()]) this.disconnectPeer(sp);
      this.store.resetBelow(this.prevRadius);
    }
    this.prevRadius = radius;
    const gone = new Set(this.syncPeers.keys());
    const byDepth = node.mutant('bee-3700');
    for (const conn of node.connectedPeersRev()) {
      if (byDepth && conn.po < node.kad.depth) continue;
      if (!this.syncPeers.has(conn.id)) this.syncPeers.set(conn.id, new SyncPeer(this, conn.id, conn.po));
      gone.delete(conn.id);
    }
    for (const id of gone) this.disconnectPeer(this.syncPeers.get(id)!);
    this.radius = radius;
    if (node.mutant('bee-4443')) {
      // before PR 4443: one peer after the other, in Go's map order (random)
      this.queue = shuffle(node.rng, [...this.syncPeers.values()]);
      return this.advance();
    }
    this.outstanding = 1;
    for (const sp of this.syncPeers.values()) {
      if (sp.cursors) this.syncBins(sp);
      else {
        this.outstanding++;
        sp.getCursors();
      }
    }
    if (--this.outstanding === 0) this.finish();
  }

  /** The sequential recalculation: the next peer once the previous one's cursors are in. */
  private advance(): void {
    this.advancing = true;
    while (this.queue.length > 0) {
      const sp = this.queue.shift()!;
      if (sp.cursors) {
        this.syncBins(sp);
        continue;
      }
      this.awaiting = sp;
      sp.getCursors();
      if (this.awaiting) {
        this.advancing = false;
        return;
      }
    }
    this.advancing = false;
    this.finish();
  }

  private finish(): void {
    this.busy = false;
    if (this.pendingSignal || this.pendingTick) this.wake();
  }

  private disconnectPeer(sp: SyncPeer): void {
    sp.stop();
    this.syncPeers.delete(sp.id);
  }

  /** syncPeer's bin rule for the radius of this recalculation. */
  private syncBins(sp: SyncPeer): void {
    const r = this.radius;
    const cursors = sp.cursors!;
    if (sp.po >= r || this.node.mutant('bee-3700')) {
      for (let bin = 0; bin < r; bin++) sp.cancelBin(bin);
      for (let bin = r; bin < cursors.length; bin++) if (!sp.isBinSyncing(bin)) sp.syncBin(bin, cursors[bin]!);
    } else if (r - sp.po <= this.node.opts.maxPODelta) {
      for (let bin = 0; bin < cursors.length; bin++) if (bin !== sp.po) sp.cancelBin(bin);
      if (!sp.isBinSyncing(sp.po)) sp.syncBin(sp.po, cursors[sp.po]!);
    } else sp.stop();
  }
}
