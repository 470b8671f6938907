import { BINS } from './bins.js';
import { BeeMsg, StreamKind } from './messages.js';
import type { BeePeer, ClientStream, ToOpener } from './peer.js';
import type { Puller } from './puller.js';
import { Worker } from './worker.js';

/** A bin being synced from a peer: its two workers (no historical one when the cursor was 0). */
interface BinSync {
  historical: Worker | undefined;
  live: Worker;
}

/**
 * The puller's `syncPeer` record of one peer: its cursors from the first contact (fetched once per record),
 * and per bin the workers syncing it (`binCancelFuncs`: a bin stays "syncing" after its workers end, until it
 * is cancelled). It is also the opener's side of the cursors stream (`GetCursors`):
 *   none -> opening (headers awaited) -> asked (Syn sent, Ack awaited) -> none (cursors in hand or failed)
 */
export class SyncPeer implements ClientStream {
  cursors: readonly number[] | undefined;
  private readonly bins: (BinSync | undefined)[] = new Array<BinSync | undefined>(BINS).fill(undefined);
  cursorState: 'none' | 'opening' | 'asked' = 'none';
  private stream = 0;
  private conn: BeePeer | undefined;

  constructor(
    private readonly puller: Puller,
    readonly id: number,
    /** the peer's PO (EachConnectedPeerRev's bin) */
    readonly po: number,
  ) {}

  /** GetCursors: opens a cursors stream; the puller hears back through `cursorsArrived`. */
  getCursors(): void {
    const node = this.puller.node;
    const conn = node.peers.get(this.id);
    if (!conn) return this.puller.cursorsArrived(this, undefined, 0);
    this.conn = conn;
    this.stream = node.newStream();
    conn.opened.set(this.stream, this);
    this.cursorState = 'opening';
    node.send(conn, { type: BeeMsg.Open, stream: this.stream, kind: StreamKind.Cursors });
  }

  receive(conn: BeePeer, m: ToOpener): void {
    if (m.type === BeeMsg.Opened && this.cursorState === 'opening') {
      this.cursorState = 'asked';
      return this.puller.node.send(conn, { type: BeeMsg.Syn, stream: this.stream });
    }
    if (m.type === BeeMsg.Ack && this.cursorState === 'asked') return this.answered(m.cursors, m.epoch);
    if (m.type === BeeMsg.Reset) this.answered(undefined, 0);
  }

  broken(): void {
    if (this.cursorState !== 'none') this.answered(undefined, 0);
  }

  isBinSyncing(bin: number): boolean {
    return this.bins[bin] !== undefined;
  }

  /** syncPeerBin: a historical worker up to the cursor (if it is above 0) and a live one from cursor + 1. */
  syncBin(bin: number, cursor: number): void {
    const historical = cursor > 0 ? new Worker(this.puller, this, bin, true, cursor) : undefined;
    const live = new Worker(this.puller, this, bin, false, cursor);
    this.bins[bin] = { historical, live };
    historical?.run();
    live.run();
  }

  cancelBin(bin: number): void {
    const b = this.bins[bin];
    if (!b) return;
    this.bins[bin] = undefined;
    b.historical?.cancel();
    b.live.cancel();
  }

  /** stop: cancels every bin. */
  stop(): void {
    for (let bin = 0; bin < BINS; bin++) this.cancelBin(bin);
  }

  /** Why this peer's sync is busy ('' when every worker is done or waiting for an Offer). */
  pending(): string {
    if (this.cursorState !== 'none') return `cursors of peer ${this.id}`;
    for (const b of this.bins) {
      const why = b ? b.historical?.pending() || b.live.pending() : '';
      if (why) return `${why} of peer ${this.id}`;
    }
    return '';
  }

  /** The workers of every bin, for tests: [bin, historical state or '', live state]. */
  workers(): [number, string, string][] {
    const out: [number, string, string][] = [];
    this.bins.forEach((b, bin) => b && out.push([bin, b.historical?.state ?? '', b.live.state]));
    return out;
  }

  private answered(cursors: readonly number[] | undefined, epoch: number): void {
    this.conn?.opened.delete(this.stream);
    this.conn = undefined;
    this.cursorState = 'none';
    this.puller.cursorsArrived(this, cursors, epoch);
  }
}
