import { LIVE, MsgType, encodeWants, type BatchDone, type ChunkDelivery, type OfferedHashes, type StreamInfoRes, type StreamState } from './messages.js';
import { Want, rangeKey, type Peer } from './peer.js';
import type { SyncNode } from './node.js';
import { OfferStage, OfferTask, RangeRequest, RequestKind } from './steps.js';

/**
 * The pulling side of stream! (PROTOCOL.md §5.3-5.5): keeps a cursor per subscribed bin, runs a history chain
 * [gap..cursor] and a live chain [cursor+1..) per bin, answers offers with the hashes it needs, and seals
 * completed ranges into the interval store. Where Go's handler blocks (NeedData, sends) it goes on in a step
 * (steps.ts): at once under the serial runtime, on the machine under the goroutine runtime.
 */
export class Client {
  constructor(private readonly node: SyncNode) {}

  onStreamInfoRes(peer: Peer, m: StreamInfoRes): void {
    const node = this.node;
    if (m.bins.length === 0) return node.drop(peer, 'empty StreamInfoRes');
    for (let i = 0; i < m.bins.length; i++) {
      const bin = m.bins[i]!;
      const cursor = m.cursors[i]!;
      if (!node.wantStream(peer, bin)) {
        peer.setCursor(bin, -1);
        continue;
      }
      if (peer.cursor(bin) >= 0) continue; // a chain is assumed running
      peer.setCursor(bin, cursor);
      if (!node.opts.autostart) continue;
      // Go starts each request in a goroutine of its own: the history one reads the intervals there
      if (cursor > 0) this.requestLater(new RangeRequest(this, peer, bin, false, 0, cursor), RequestKind.History);
      this.requestLater(new RangeRequest(this, peer, bin, true, cursor + 1, LIVE), RequestKind.Live);
    }
  }

  /** A GetRange as a step: an interval-store read and the send. */
  private requestLater(r: RangeRequest, kind: number): void {
    const c = this.node.costs;
    this.node.env.work(c.storeLookup + c.send, r, 0, kind);
  }

  requestStep(r: RangeRequest, kind: number): boolean {
    const node = this.node;
    const peer = r.peer;
    if (peer.closed) return false;
    if (kind === RequestKind.Live) {
      this.request(peer, r.bin, r.from, LIVE, true);
      return true;
    }
    const cursor = kind === RequestKind.History ? r.to : peer.cursor(r.bin);
    if (cursor < 0) return true; // unsubscribed: the chain stops
    if (kind === RequestKind.Next && r.live) {
      this.request(peer, r.bin, r.to + 1, LIVE, true);
      return true;
    }
    const from = node.intervals(peer.id, r.bin).next()[0];
    if (from <= cursor) this.request(peer, r.bin, from, kind === RequestKind.History && node.mutant('B2') ? LIVE : cursor, false);
    return true;
  }

  /**
   * createSendWant: at HEAD one open GetRange per (peer, bin, kind), a second is skipped ("batch already
   * requested"); the PR sends every one.
   */
  request(peer: Peer, bin: number, from: number, to: number, live: boolean): void {
    const node = this.node;
    if (node.clientGuard && peer.openWant(rangeKey(bin, live))) return;
    const ruid = node.rng.u32();
    const want = new Want(node, peer, ruid, bin, from, to, live);
    peer.addWant(want);
    peer.takeSlot(want);
    node.send(peer, { type: MsgType.GetRange, ruid, bin, from, to, batchSize: node.opts.batchSize });
  }

  onOfferedHashes(peer: Peer, m: OfferedHashes): void {
    const node = this.node;
    const want = peer.want(m.ruid);
    if (!want) return node.drop(peer, 'OfferedHashes: ruid not found');
    want.to = m.lastIndex;
    if (m.hashes.length === 0) return this.seal(want);
    const task = new OfferTask(this, peer, want, m);
    if (node.checkWanted && !node.wantStream(peer, want.bin)) return node.env.work(node.costs.send, task, 0, OfferStage.Unwanted);
    this.needData(task);
  }

  /** NeedData over the offered hashes: a store lookup per hash. */
  private needData(task: OfferTask): void {
    this.node.env.work(this.node.costs.storeLookup * task.msg.hashes.length, task, 0, OfferStage.Need);
  }

  /**
   * OfferedHashes goes on: Unwanted -> (2095: Need); Need -> NoneWanted (seal) | Wanted (the batch timer runs from
   * the moment WantedHashes is sent).
   */
  offerStep(task: OfferTask, stage: number): boolean {
    const node = this.node;
    const { peer, want, msg: m } = task;
    if (peer.closed) return false;
    switch (stage) {
      case OfferStage.Unwanted:
        node.send(peer, { type: MsgType.WantedHashes, ruid: m.ruid, bits: new Uint8Array(0) });
        if (!node.latent('L2')) this.abandon(want);
        if (node.mutant('2095')) this.needData(task);
        return true;
      case OfferStage.Need: {
        const pending: number[] = [];
        const bits = encodeWants(m.hashes.length, (i) => {
          const c = m.hashes[i]!;
          if (!node.needData(c)) return false;
          if (!pending.includes(c)) pending.push(c);
          return true;
        });
        if (pending.length === 0) {
          node.env.work(node.costs.send, task, 0, OfferStage.NoneWanted);
          return true;
        }
        want.pending = pending;
        node.wanting(pending, true);
        task.bits = bits;
        node.env.work(node.costs.send, task, 0, OfferStage.Wanted);
        return true;
      }
      case OfferStage.NoneWanted:
        node.send(peer, { type: MsgType.WantedHashes, ruid: m.ruid, bits: new Uint8Array(0) });
        this.seal(want);
        return true;
      default:
        want.token = node.nextTimerToken();
        node.env.after(node.opts.clientBatchTimeout, node.wantTimer, want.token, peer.id);
        node.send(peer, { type: MsgType.WantedHashes, ruid: m.ruid, bits: task.bits! });
        return true;
    }
  }

  onChunkDelivery(peer: Peer, m: ChunkDelivery): void {
    const node = this.node;
    const want = peer.want(m.ruid);
    if (!want) return node.drop(peer, 'ChunkDelivery: ruid not found');
    const checkWanted = node.checkWanted;
    if (checkWanted && !node.wantStream(peer, want.bin)) return; // chunks not stored; the batch times out quietly
    for (const c of m.chunks) node.putSynced(c);
    if (!node.opts.roundtrip) return;
    const pending = want.pending;
    for (const c of m.chunks) {
      const i = pending ? pending.indexOf(c) : -1;
      if (i < 0) return node.drop(peer, 'unsolicited chunk');
      pending![i] = pending![pending!.length - 1]!;
      pending!.pop();
      node.arrivedWanted(c);
    }
    if (pending!.length === 0) this.seal(want);
  }

  /** Roundtrip off: the pushed batch ended at lastIndex. */
  onBatchDone(peer: Peer, m: BatchDone): void {
    const want = peer.want(m.ruid);
    if (!want) return this.node.drop(peer, 'BatchDone: ruid not found');
    want.to = m.lastIndex;
    this.seal(want);
  }

  /** The server refused a GetRange because one is open: forget ours so the next seal can ask again. */
  onStreamState(peer: Peer, m: StreamState): void {
    const want = peer.want(m.ruid);
    if (want) this.abandon(want);
  }

  batchTimedOut(want: Want): void {
    const node = this.node;
    const peer = want.peer;
    peer.removeWant(want);
    want.done = true;
    if (want.pending) node.wanting(want.pending, false);
    const stillWanted = node.wantStream(peer, want.bin);
    if (node.opts.version === 'pr1538' || stillWanted) return node.drop(peer, 'batch has timed out');
    if (!node.latent('L2')) this.release(want);
  }

  /** All wanted chunks arrived (or none were needed): record [from, to] and ask for the next range. */
  private seal(want: Want): void {
    const node = this.node;
    const peer = want.peer;
    want.done = true;
    want.token = 0; // its timer (if any) finds no want with its token
    if (want.pending) node.wanting(want.pending, false);
    peer.removeWant(want);
    this.release(want);
    node.intervals(peer.id, want.bin).add(want.from, want.to);
    this.requestNext(want);
  }

  private abandon(want: Want): void {
    want.done = true;
    want.token = 0;
    if (want.pending) this.node.wanting(want.pending, false);
    want.peer.removeWant(want);
    this.release(want);
  }

  private release(want: Want): void {
    want.peer.releaseSlot(want);
  }

  /** requestSubsequentRange (§5.4): live goes on from LastIndex+1; history from the first gap up to the cursor. */
  private requestNext(want: Want): void {
    this.requestLater(new RangeRequest(this, want.peer, want.bin, want.live, want.from, want.to), RequestKind.Next);
  }
}
