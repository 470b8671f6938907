import { LIVE, MsgType, encodeWants, type BatchDone, type ChunkDelivery, type OfferedHashes, type StreamInfoRes, type StreamState } from './messages.js';
import { Want, rangeKey, type Peer } from './peer.js';
import type { SyncNode } from './node.js';

/**
 * The pulling side of stream! (PROTOCOL.md §5.3-5.5): keeps a cursor per subscribed bin, runs a history chain
 * [gap..cursor] and a live chain [cursor+1..) per bin, answers offers with the hashes it needs, and seals
 * completed ranges into the interval store.
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
      if (cursor > 0) {
        const from = node.intervals(peer.id, bin).next()[0];
        if (from <= cursor) this.request(peer, bin, from, node.mutant('B2') ? LIVE : cursor, false);
      }
      this.request(peer, bin, cursor + 1, LIVE, true);
    }
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
    const checkWanted = node.checkWanted;
    if (checkWanted && !node.wantStream(peer, want.bin)) {
      node.send(peer, { type: MsgType.WantedHashes, ruid: m.ruid, bits: new Uint8Array(0) });
      if (!node.latent('L2')) this.abandon(want);
      if (!node.mutant('2095')) return;
    }
    const pending: number[] = [];
    const bits = encodeWants(m.hashes.length, (i) => {
      const c = m.hashes[i]!;
      if (!node.needData(c)) return false;
      if (!pending.includes(c)) pending.push(c);
      return true;
    });
    if (pending.length === 0) {
      node.send(peer, { type: MsgType.WantedHashes, ruid: m.ruid, bits: new Uint8Array(0) });
      return this.seal(want);
    }
    want.pending = pending;
    node.wanting(pending, true);
    want.token = node.nextTimerToken();
    node.env.after(node.opts.clientBatchTimeout, node.wantTimer, want.token, peer.id);
    node.send(peer, { type: MsgType.WantedHashes, ruid: m.ruid, bits });
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
    const peer = want.peer;
    const cursor = peer.cursor(want.bin);
    if (cursor < 0) return; // unsubscribed: the chain stops
    if (want.live) return this.request(peer, want.bin, want.to + 1, LIVE, true);
    const from = this.node.intervals(peer.id, want.bin).next()[0];
    if (from <= cursor) this.request(peer, want.bin, from, cursor, false);
  }
}
