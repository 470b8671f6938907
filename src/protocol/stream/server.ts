import { BINS } from './localstore.js';
import { LIVE, MsgType, STATE_BUSY, decodeWants, type GetRange, type StreamInfoReq, type WantedHashes } from './messages.js';
import { Collector, OFFER, rangeKey, type Peer } from './peer.js';
import type { SyncNode } from './node.js';
import { CursorReply, Delivery } from './steps.js';

/**
 * The serving side of stream! (PROTOCOL.md §5.2): answers cursor requests, collects batches of hashes for
 * GetRange (history up to `To`, live as a long poll on the bin), and delivers the wanted chunks. Its sends and
 * the Get of wanted chunks are steps (steps.ts).
 */
export class Server {
  /** per bin, the collectors parked until a new chunk enters that bin */
  private readonly parked: Collector[][] = Array.from({ length: BINS }, () => []);
  /** an empty list binGrew swaps in */
  private spare: Collector[] = [];
  // Live collectors that hold hashes read their bin lazily (see binGrew); these per-bin facts say when a put
  // must visit the parked collectors after all.
  /** virtual time of the bin's latest put: a lazy collector's idle timer was last reset then */
  private readonly lastPut = new Float64Array(BINS);
  /** parked collectors that take every put at once: history ones, and live ones with no hash yet */
  private readonly eager = new Int32Array(BINS);
  /** the least bin ID at which a parked lazy collector's batch is full */
  private readonly fullAt = new Float64Array(BINS).fill(Infinity);

  constructor(private readonly node: SyncNode) {}

  onStreamInfoReq(peer: Peer, m: StreamInfoReq): void {
    const node = this.node;
    if (m.bins.length === 0) return node.drop(peer, 'empty StreamInfoReq');
    for (const b of m.bins) if (!(b >= 0 && b < BINS)) return node.drop(peer, `StreamInfoReq: bad stream key ${b}`);
    const c = node.costs;
    node.env.work(c.storeLookup * m.bins.length + c.send, new CursorReply(this, peer, m.bins), 0);
  }

  /** The cursors, read as the reply is sent. */
  cursorStep(r: CursorReply): boolean {
    const node = this.node;
    if (r.peer.closed) return false;
    node.send(r.peer, { type: MsgType.StreamInfoRes, bins: r.bins, cursors: r.bins.map((b) => node.store.cursor(b)) });
    return true;
  }

  onGetRange(peer: Peer, m: GetRange): void {
    const node = this.node;
    const live = m.to === LIVE;
    const key = rangeKey(m.bin, live);
    if (node.serverGuard && peer.isServing(key)) {
      if (node.opts.streamState) node.send(peer, { type: MsgType.StreamState, ruid: m.ruid, bin: m.bin, live, code: STATE_BUSY });
      return;
    }
    peer.setServing(key, true);
    if (!(m.bin >= 0 && m.bin < BINS)) return node.drop(peer, `GetRange: bad stream key ${m.bin}`);
    const col = new Collector(node, peer, m.ruid, m.bin, m.from, m.to, live);
    this.scan(col);
  }

  /**
   * A chunk entered `bin` of this node's store: parked collectors of that bin read on. A live collector that
   * already holds hashes and does not fill its batch with this chunk would only take it and reset its idle
   * timer (Go's collectBatch), which sends nothing and schedules nothing: it reads such chunks later, when it
   * fills, times out or a removal is coming (`read`), and its deadline follows the bin's last put. So
   * most puts visit no collector (each visit was a cache miss per subscriber), and the ones that do visit them in
   * the same order with the same effects as reading every chunk at once: the run is the same, event for event.
   */
  binGrew(bin: number): void {
    this.lastPut[bin] = this.node.env.now();
    const list = this.parked[bin]!;
    if (list.length === 0) return;
    if (this.eager[bin] === 0 && this.node.store.lastId(bin) < this.fullAt[bin]!) return;
    // the scans park the collectors again in the spare list (they cannot make this bin grow meanwhile:
    // sending schedules, never delivers); this runs for every chunk stored, so it allocates nothing
    this.parked[bin] = this.spare;
    this.eager[bin] = 0;
    this.fullAt[bin] = Infinity;
    for (const col of list) col.parkedAt = -1;
    // no collector of a gone peer is parked (peerGone): its peer record is not read here (a cache miss per collector)
    for (const col of list) {
      if (col.done) continue;
      if (this.lazyUntil(col) > this.node.store.lastId(bin)) this.park(col);
      else this.scan(col);
    }
    list.length = 0;
    this.spare = list;
  }

  /** The bin ID up to which a lazy collector need not read (its batch fills there); -Infinity if it is not lazy. */
  private lazyUntil(col: Collector): number {
    return col.live && col.hashes.length > 0 ? col.next - 1 + this.node.opts.batchSize - col.hashes.length : -Infinity;
  }

  /** A lazy collector's idle deadline: its own, or the bin's last put's if it has chunks to read from since. */
  idleDeadline(col: Collector): number {
    if (col.live && col.next <= this.node.store.lastId(col.bin)) return this.lastPut[col.bin]! + this.node.opts.serverBatchTimeout;
    return col.deadline;
  }

  /** A chunk of `bin` is about to be removed: lazy collectors read what they have not yet (it would be a gap). */
  removing(bin: number): void {
    const lastId = this.node.store.lastId(bin);
    for (const col of this.parked[bin]!) {
      if (!col.live || col.next > lastId) continue;
      this.read(col);
      col.deadline = this.lastPut[bin]! + this.node.opts.serverBatchTimeout;
    }
  }

  /** Parks a collector at the end of its bin's list. */
  private park(col: Collector): void {
    const list = this.parked[col.bin]!;
    col.parkedAt = list.length;
    list.push(col);
    this.note(col);
  }

  /** Counts a parked collector into its bin's eager/fullAt facts. */
  private note(col: Collector): void {
    const until = this.lazyUntil(col);
    if (until === -Infinity) this.eager[col.bin]!++;
    else if (until < this.fullAt[col.bin]!) this.fullAt[col.bin] = until;
  }

  /** The bin's eager/fullAt facts anew from its list (after a collector left it). */
  private recount(bin: number): void {
    this.eager[bin] = 0;
    this.fullAt[bin] = Infinity;
    for (const col of this.parked[bin]!) this.note(col);
  }

  private scan(col: Collector): void {
    const before = col.hashes.length;
    const closed = this.read(col);
    if (closed || col.hashes.length >= this.node.opts.batchSize) return this.finish(col);
    if (col.hashes.length > before) col.resetIdle(this.node.opts.serverBatchTimeout);
    this.park(col);
  }

  /**
   * The collector reads its bin from `next` up to the end or a full batch; true when its range closed (history
   * only). No timer is reset here: scan does that, and a lazy live collector's deadline is the bin's (binGrew).
   */
  private read(col: Collector): boolean {
    const node = this.node;
    const store = node.store;
    const lastId = store.lastId(col.bin);
    const batch = node.opts.batchSize;
    // Go's SubscribePull(since, until): entries in ID order; it closes after sending the entry with ID == To,
    // or on meeting the first entry past To (not sent at HEAD; bug B1 sent it). Gaps are not entries.
    while (col.hashes.length < batch && col.next <= lastId) {
      const id = col.next++;
      const c = store.at(col.bin, id);
      if (c < 0) continue;
      if (!col.live && id > col.to) {
        if (node.mutant('B1')) col.hashes.push(c), (col.last = id);
        return true;
      }
      col.hashes.push(c);
      col.last = id;
      if (!col.live && id === col.to) return true;
    }
    return false;
  }

  /** The batch is complete (full, range closed, or idle timeout): it collects no more; the offer is a step. */
  finish(col: Collector): void {
    if (col.live) this.read(col); // a lazy collector takes what it has not read yet
    col.done = true;
    col.token++;
    this.unpark(col);
    const c = this.node.costs;
    this.node.env.work(c.storeLookup * col.hashes.length + c.send, col, col.token, OFFER);
  }

  /** The batch is offered (the pull-index reads of its hashes and the send have run). */
  offer(col: Collector): boolean {
    const node = this.node;
    const peer = col.peer;
    if (peer.closed) return false;
    const key = rangeKey(col.bin, col.live);
    if (col.hashes.length === 0) {
      node.send(peer, { type: MsgType.OfferedHashes, ruid: col.ruid, lastIndex: col.live ? col.from : col.to, hashes: [] });
      if (!node.latent('L1')) peer.setServing(key, false);
      return true;
    }
    if (node.opts.roundtrip) {
      peer.addOffer(col);
      node.send(peer, { type: MsgType.OfferedHashes, ruid: col.ruid, lastIndex: col.last, hashes: col.hashes });
    } else {
      this.deliver(peer, col.ruid, col.hashes);
      node.send(peer, { type: MsgType.BatchDone, ruid: col.ruid, lastIndex: col.last });
    }
    peer.setServing(key, false);
    return true;
  }

  onWantedHashes(peer: Peer, m: WantedHashes): void {
    const node = this.node;
    const offer = peer.offer(m.ruid);
    if (!offer) return node.drop(peer, 'WantedHashes: ruid not found');
    peer.removeOffer(offer);
    if (m.bits.length === 0) return;
    const idx = decodeWants(m.bits, offer.hashes.length);
    if (!idx) return node.drop(peer, 'WantedHashes: bit vector too short');
    const wanted = idx.map((i) => offer.hashes[i]!);
    node.env.work(node.costs.get * wanted.length, new Delivery(this, peer, m.ruid, wanted), 0, 0);
  }

  /** Stage 0: the Get of the wanted chunks (any missing: drop, L7); stage k: frame k - 1 is sent. */
  deliveryStep(d: Delivery, stage: number): boolean {
    const node = this.node;
    const peer = d.peer;
    if (peer.closed) return false;
    const frame = node.opts.frameSize;
    if (stage === 0 && !node.fetch(d.chunks)) {
      node.drop(peer, 'get provider: chunk not found');
      return true;
    }
    if (stage > 0) node.send(peer, { type: MsgType.ChunkDelivery, ruid: d.ruid, chunks: d.chunks.slice((stage - 1) * frame, stage * frame) });
    if (stage * frame < d.chunks.length) node.env.work(node.costs.send, d, 0, stage + 1);
    return true;
  }

  private deliver(peer: Peer, ruid: number, chunks: readonly number[]): void {
    const frame = this.node.opts.frameSize;
    for (let i = 0; i < chunks.length; i += frame) {
      this.node.send(peer, { type: MsgType.ChunkDelivery, ruid, chunks: chunks.slice(i, i + frame) });
    }
  }

  /** A finished collector leaves its bin's list at once (it would otherwise be kept until the bin grows). */
  private unpark(col: Collector): void {
    const i = col.parkedAt;
    if (i < 0) return;
    const list = this.parked[col.bin]!;
    const last = list.pop()!;
    if (last !== col) {
      list[i] = last;
      last.parkedAt = i;
    }
    col.parkedAt = -1;
    this.recount(col.bin);
  }

  /** The peer left: its parked collectors leave their lists, the others keep their order (the order binGrew scans in). */
  peerGone(peer: Peer): void {
    for (let b = 0; b < BINS; b++) {
      const list = this.parked[b]!;
      let k = 0;
      for (let i = 0; i < list.length; i++) {
        const col = list[i]!;
        if (col.peer === peer) {
          col.parkedAt = -1;
          continue;
        }
        col.parkedAt = k;
        list[k++] = col;
      }
      list.length = k;
      this.recount(b);
    }
  }

  /** The node stopped: no collector stays parked. */
  clear(): void {
    for (let b = 0; b < BINS; b++) {
      for (const col of this.parked[b]!) col.parkedAt = -1;
      this.parked[b] = [];
      this.recount(b);
    }
  }
}
