import type { Timed } from '../env.js';
import { BeeMsg, PLACEHOLDER, StreamKind } from './messages.js';
import type { BeePeer, ClientStream, ToOpener } from './peer.js';
import type { Puller } from './puller.js';
import type { SyncPeer } from './syncpeer.js';

/**
 * One of the two goroutines `syncPeerBin` starts per (peer, bin) (pkg/puller/puller.go), with the client's
 * `Sync` (pkg/pullsync/pullsync.go) as its exchange. Historical: from the first gap of the peer's intervals up
 * to the cursor it got at first contact, then done. Live: from cursor + 1 on, for ever. Each round:
 *   opening (stream opened, headers awaited) -> getting (Get sent, Offer awaited) -> wanting (Want sent,
 *   deliveries awaited) -> limiting (the node's limiter holds it for the chunks it put) -> next round | done
 * Sync's errors are logged in Bee and the loop goes on at once (no backoff); only a peer that is gone
 * (NewStream fails) ends it. A cancelled worker resets its open stream and ends at the top of its loop.
 */
export class Worker implements ClientStream, Timed {
  state: 'idle' | 'opening' | 'getting' | 'wanting' | 'limiting' | 'done' = 'idle';
  cancelled = false;
  /** the next start of a live worker; the round's start of a historical one */
  start: number;
  // the current exchange
  private stream = 0;
  private conn: BeePeer | undefined;
  private topmost = 0;
  private expect = 0;
  private wanted: Set<number> | undefined;
  private toPut: number[] = [];
  private failed = false;
  // the round's result while the limiter holds it
  private top = 0;
  private count = 0;
  private token = 0;

  constructor(
    private readonly puller: Puller,
    readonly peer: SyncPeer,
    readonly bin: number,
    readonly historical: boolean,
    /** the peer's cursor of this bin at first contact */
    readonly cursor: number,
  ) {
    this.start = historical ? 0 : cursor + 1;
  }

  /** The top of the loop: the next round's Sync, or the end. */
  run(): void {
    const puller = this.puller;
    if (this.historical) {
      this.start = puller.store.intervals(this.peer.id, this.peer.po, this.bin).next(0)[0];
      if (this.start > this.cursor) return this.end();
    }
    if (this.cancelled) return this.end();
    const conn = puller.node.peers.get(this.peer.id);
    if (!conn) return this.end();
    this.conn = conn;
    this.stream = puller.node.newStream();
    conn.opened.set(this.stream, this);
    this.state = 'opening';
    puller.node.send(conn, { type: BeeMsg.Open, stream: this.stream, kind: StreamKind.Pullsync });
  }

  receive(conn: BeePeer, m: ToOpener): void {
    if (m.type === BeeMsg.Reset) return this.synced(0, 0, true);
    if (m.type === BeeMsg.Opened && this.state === 'opening') {
      this.state = 'getting';
      return this.puller.node.send(conn, { type: BeeMsg.Get, stream: this.stream, bin: this.bin, start: this.start });
    }
    if (m.type === BeeMsg.Offer && this.state === 'getting') return this.offered(conn, m.topmost, m.chunks);
    if (m.type === BeeMsg.Delivery && this.state === 'wanting') return this.delivered(m.chunk);
  }

  broken(): void {
    if (this.state === 'opening' || this.state === 'getting' || this.state === 'wanting') this.synced(0, 0, true);
  }

  /** ctx cancelled (cancelBin, syncPeer.stop) */
  cancel(): void {
    if (this.cancelled || this.state === 'done') return;
    this.cancelled = true;
    const node = this.puller.node;
    if (this.state === 'limiting') {
      // WaitN returns at once and gives its tokens back; the round is still recorded
      this.token++;
      this.puller.limiter.giveBack(this.count, node.env.now());
      return this.recorded();
    }
    if (this.state === 'idle') return;
    const conn = this.conn!;
    if (!conn.closed) node.send(conn, { type: BeeMsg.Reset, stream: this.stream, byOpener: true });
    this.synced(0, 0, true);
  }

  fire(token: number): boolean {
    if (token !== this.token || this.state !== 'limiting') return false;
    this.recorded();
    return true;
  }

  /** Why this worker is busy ('' when done or waiting at the server for an Offer). */
  pending(): string {
    return this.state === 'done' || this.state === 'getting' ? '' : `${this.historical ? 'historical' : 'live'} worker ${this.state}`;
  }

  private offered(conn: BeePeer, topmost: number, chunks: readonly number[]): void {
    if (chunks.length === 0) return this.synced(topmost, 0, false);
    const node = this.puller.node;
    const reserve = node.reserve;
    const wantAll = node.mutant('bee-3700');
    const bits = new Uint8Array((chunks.length >> 3) + 1);
    let ctr = 0;
    for (let i = 0; i < chunks.length; i++) {
      const c = chunks[i]!;
      if ((wantAll || reserve.withinRadius(c)) && !reserve.has(c)) {
        bits[i >> 3]! |= 1 << (i & 7);
        (this.wanted ??= new Set()).add(c);
        ctr++;
      }
    }
    this.topmost = topmost;
    node.send(conn, { type: BeeMsg.Want, stream: this.stream, bits });
    if (ctr === 0) return this.synced(topmost, 0, false);
    this.expect = ctr;
    this.state = 'wanting';
  }

  private delivered(chunk: number): void {
    if (chunk !== PLACEHOLDER) {
      if (!this.wanted!.delete(chunk)) this.failed = true; // ErrUnsolicitedChunk
      else if (!this.puller.node.validStamp(chunk)) this.failed = true;
      else this.toPut.push(chunk);
    }
    if (--this.expect > 0) return;
    const puts = this.toPut;
    for (const c of puts) this.puller.node.putSynced(c);
    this.synced(this.topmost, puts.length, this.failed);
  }

  /** Sync returned (top, count, err): the stream closes and the loop takes the result. */
  private synced(top: number, count: number, err: boolean): void {
    this.conn?.opened.delete(this.stream);
    this.conn = undefined;
    this.wanted = undefined;
    this.toPut = [];
    this.failed = false;
    if (err && this.puller.node.mutant('bee-3444')) return this.end();
    this.top = top;
    this.count = count;
    const wait = this.cancelled ? 0 : this.puller.limiter.take(count, this.puller.node.env.now());
    if (wait === 0) return this.recorded();
    this.state = 'limiting';
    this.puller.node.env.after(wait, this, ++this.token);
  }

  /** After the limiter: count the historical rate, store the interval, loop. */
  private recorded(): void {
    const puller = this.puller;
    if (this.historical) puller.rate.add(this.count, puller.node.env.now());
    if (this.top >= this.start) {
      puller.store.intervals(this.peer.id, this.peer.po, this.bin).add(this.start, this.top);
      this.start = this.top + 1;
    }
    this.state = 'idle';
    this.run();
  }

  private end(): void {
    this.state = 'done';
    this.conn = undefined;
  }
}
