import { grown } from '../../core/grown.js';
import type { Draws } from '../../core/keyed.js';
import { Client } from './client.js';
import type { ProtocolNode } from '../api.js';
import { NO_COSTS, type Costs, type DropReason, type Env } from '../env.js';
import { Intervals } from '../intervals.js';
import { Kademlia } from '../kademlia.js';
import { BINS, Localstore, type ChunkHeads, type StoreObserver } from './localstore.js';
import { MsgType, type Message } from './messages.js';
import type { LatentDefect, Mutant, ProtocolOptions } from './options.js';
import { Peer, WantTimeout, WantTimer } from './peer.js';
import { Server } from './server.js';
import { wantsBin } from './subscriptions.js';
import { Syncer } from './syncer.js';

/**
 * One Swarm node as far as pull sync goes: its localstore, Kademlia table, interval store, and the stream!
 * server, client and pull syncer. Timers are events through `env`; a handler's blocking calls are steps through
 * `env.work` (at once under the serial runtime, on the machine under the goroutine runtime: docs/runtime.md).
 * The store and intervals survive `stop()`; connections and protocol state do not.
 */
export class SyncNode implements ProtocolNode<Message, Peer> {
  readonly store: Localstore;
  kad: Kademlia;
  readonly peers = new Map<number, Peer>();
  readonly server: Server;
  readonly client: Client;
  readonly syncer: Syncer;
  private readonly intervalStore = new Map<number, Intervals>();
  /** the record of the client's batch timers (see Want) */
  readonly wantTimer = new WantTimer(this);
  /** the record of the step that wakes a timed-out batch's handler */
  readonly wantTimeout = new WantTimeout(this);
  private timerTokens = 0;
  private readonly mutants: ReadonlySet<string>;
  /** HEAD checks WantStream on offers and deliveries (#1952 undoes it): read per message, so kept here */
  readonly checkWanted: boolean;
  /**
   * HEAD's open-range guards (PROTOCOL.md §5.2, §5.3): the client's clientOpenGetRange (#2107 undoes it) and the
   * server's serverOpenGetRange (#2113 undoes it). The PR had neither (§0.1): chains of one stream may overlap.
   */
  readonly clientGuard: boolean;
  readonly serverGuard: boolean;
  private readonly defects: ReadonlySet<string>;
  /**
   * the sync provider's 10,000-entry LRU (Map order = recency): what this node recently put by sync or served,
   * read by NeedData and by the fetch of wanted chunks. Kept only when removals can happen: a chunk in it is
   * otherwise always in the store too, and then it changes no decision.
   */
  private readonly needCache: Map<number, true> | undefined;
  /**
   * every connected peer's streamCursors, BINS per connection slot (-1 = not subscribed): one Int32Array per
   * node, not an array per peer (a 10k-node run has 600k peers: docs/bench.md)
   */
  cursors = new Int32Array(BINS * 8);
  private readonly freeSlots: number[] = [];
  private slots = 0;
  /** chunks currently wanted from some peer (only with dedupInFlight) */
  private readonly inFlight = new Map<number, number>();

  constructor(
    readonly id: number,
    head: number,
    chunkHeads: ChunkHeads,
    readonly opts: ProtocolOptions,
    readonly env: Env<Message>,
    readonly rng: Draws,
    observer: StoreObserver | undefined,
    trackNeedData: boolean,
    /** what the handlers' blocking calls cost (free under the serial runtime) */
    readonly costs: Costs = NO_COSTS,
  ) {
    this.store = new Localstore(id, head, chunkHeads, observer);
    this.kad = new Kademlia(opts.neighbourhoodSize);
    this.server = new Server(this);
    this.client = new Client(this);
    this.syncer = new Syncer(this);
    this.mutants = new Set(opts.mutants);
    this.defects = new Set(opts.latentDefects);
    this.checkWanted = opts.version === 'head' && !this.mutants.has('1952');
    this.clientGuard = opts.version === 'head' && !this.mutants.has('2107');
    this.serverGuard = opts.version === 'head' && !this.mutants.has('2113');
    this.needCache = trackNeedData && opts.needDataCache > 0 ? new Map() : undefined;
  }

  /** A token no earlier timer of this node had. */
  nextTimerToken(): number {
    return ++this.timerTokens;
  }

  mutant(name: Mutant): boolean {
    return this.mutants.has(name);
  }

  latent(name: LatentDefect): boolean {
    return this.defects.has(name);
  }

  // --- connections -------------------------------------------------------------------------------------

  /** A connection came up: kademlia on, then the stream protocol starts for the peer (its record is returned). */
  connect(peerId: number, po: number, po256: number, epoch: number, link?: unknown): Peer {
    if (this.peers.has(peerId)) throw new Error(`assertion failed: node ${this.id} already connected to ${peerId}`);
    if (this.kad.on(po256)) this.syncer.depthChanged();
    const slot = this.freeSlots.pop() ?? this.slots++;
    if ((slot + 1) * BINS > this.cursors.length) this.cursors = grown(this.cursors, this.cursors.length * 2);
    this.cursors.fill(-1, slot * BINS, (slot + 1) * BINS);
    const peer = new Peer(this, peerId, po, po256, epoch, slot, link);
    this.peers.set(peerId, peer);
    this.env.after(this.opts.syncInitBackoff, peer, peer.timerToken(false));
    return peer;
  }

  /** The connection went down: all per-peer state is discarded (intervals persist). */
  disconnect(peerId: number): void {
    const peer = this.peers.get(peerId);
    if (!peer) return;
    peer.closed = true;
    this.peers.delete(peerId);
    this.freeSlots.push(peer.slot);
    this.server.peerGone(peer);
    for (let w = peer.firstWant; w; w = w.nextWant) if (w.active && w.pending) this.wanting(w.pending, false);
    this.syncer.peerGone(peer);
    if (this.kad.off(peer.po256)) this.syncer.depthChanged();
  }

  /** A life begins: stream! keeps nothing per life beyond what connections bring. */
  start(): void {
    /* nothing to boot: the syncer works per peer, from its connection on */
  }

  get storedCount(): number {
    return this.store.size;
  }

  /** A Kademlia-only peer (the Go tests' fake peers): the depth changes, the syncer follows. */
  fakePeer(po256: number, on: boolean): void {
    if (on ? this.kad.on(po256) : this.kad.off(po256)) this.syncer.depthChanged();
  }

  /** The node stops: every connection must already be gone; protocol state and the cache (process memory) are lost. */
  stop(): void {
    if (this.peers.size > 0) throw new Error(`assertion failed: node ${this.id} stopped with ${this.peers.size} peers`);
    this.server.clear();
    this.kad = new Kademlia(this.opts.neighbourhoodSize);
    this.inFlight.clear();
    this.needCache?.clear();
  }

  // --- messages ----------------------------------------------------------------------------------------

  receive(from: number, m: Message): void {
    const peer = this.peers.get(from);
    if (peer) this.handle(peer, m);
  }

  /** A message from a connected peer (the transport already holds its record: no second lookup). */
  handle(peer: Peer, m: Message): void {
    switch (m.type) {
      case MsgType.StreamInfoReq: return this.server.onStreamInfoReq(peer, m);
      case MsgType.StreamInfoRes:
        if (!peer.initDone) this.syncer.answered(peer);
        return this.client.onStreamInfoRes(peer, m);
      case MsgType.GetRange: return this.server.onGetRange(peer, m);
      case MsgType.OfferedHashes: return this.client.onOfferedHashes(peer, m);
      case MsgType.ChunkDelivery: return this.client.onChunkDelivery(peer, m);
      case MsgType.WantedHashes: return this.server.onWantedHashes(peer, m);
      case MsgType.BatchDone: return this.client.onBatchDone(peer, m);
      case MsgType.StreamState: return this.client.onStreamState(peer, m);
    }
  }

  send(peer: Peer, m: Message): void {
    this.env.send(this.id, peer.id, m, peer.link);
  }

  drop(peer: Peer, reason: DropReason): void {
    if (!peer.closed) this.env.drop(this.id, peer.id, reason);
  }

  // --- helpers the roles share ---------------------------------------------------------------------------

  /** WantStream: is `bin` in syncBins(po, current depth)? */
  wantStream(peer: Peer, bin: number): boolean {
    return wantsBin(peer.po, this.kad.depth, bin, this.opts.syncWithinDepthOnly);
  }

  intervals(peerId: number, bin: number): Intervals {
    const key = peerId * BINS + bin;
    let iv = this.intervalStore.get(key);
    if (!iv) this.intervalStore.set(key, (iv = new Intervals(1)));
    return iv;
  }

  /** NeedData: not in the store, not in the recently-put/served cache (L6), not already wanted (dedupInFlight). */
  needData(chunk: number): boolean {
    if (this.store.has(chunk)) return false;
    if (this.needCache?.has(chunk) && this.latent('L6')) return false;
    if (this.opts.dedupInFlight && this.inFlight.has(chunk)) return false;
    return true;
  }

  /** A wanted chunk arrived: it is no longer in flight. */
  arrivedWanted(chunk: number): void {
    if (!this.opts.dedupInFlight) return;
    const n = (this.inFlight.get(chunk) ?? 0) - 1;
    if (n > 0) this.inFlight.set(chunk, n);
    else this.inFlight.delete(chunk);
  }

  wanting(chunks: readonly number[], on: boolean): void {
    if (!this.opts.dedupInFlight) return;
    for (const c of chunks) {
      const n = (this.inFlight.get(c) ?? 0) + (on ? 1 : -1);
      if (n > 0) this.inFlight.set(c, n);
      else this.inFlight.delete(c);
    }
  }

  /** A chunk arrived by sync: store it (ModePutSync); a new one wakes this node's own servers of its bin. */
  putSynced(chunk: number): void {
    this.touch(chunk);
    if (this.store.put(chunk) > 0) this.server.binGrew(this.store.binOf(chunk));
  }

  /**
   * syncProvider.Get of the wanted chunks: each from the cache if it is there (L6: even after it was removed from
   * the store), else from the store; false when one is in neither ("chunk not found", L7: the server drops the
   * client). Go reads the cache first (a hit becomes the most recent entry), then the store for the rest in one
   * call that fails as a whole, and only on success adds what it read there to the cache.
   * Uploads never pass through the sync provider: a chunk uploaded and removed before anyone pulled it is in
   * neither, which is why the Go live-gap tests still see their drop.
   */
  fetch(chunks: readonly number[]): boolean {
    const cache = this.needCache;
    if (!cache) {
      for (const c of chunks) if (!this.store.has(c)) return false;
      return true;
    }
    const fromCache = this.latent('L6');
    const misses: number[] = [];
    for (const c of chunks) {
      if (fromCache && cache.has(c)) this.touch(c);
      else misses.push(c);
    }
    for (const c of misses) if (!this.store.has(c)) return false;
    for (const c of misses) this.touch(c);
    return true;
  }

  upload(chunk: number): boolean {
    const id = this.store.put(chunk);
    if (id > 0) this.server.binGrew(this.store.binOf(chunk));
    return id > 0;
  }

  removeChunk(chunk: number): boolean {
    if (this.store.has(chunk)) this.server.removing(this.store.binOf(chunk));
    return this.store.remove(chunk);
  }

  private touch(chunk: number): void {
    const cache = this.needCache;
    if (!cache) return;
    cache.delete(chunk);
    cache.set(chunk, true);
    if (cache.size > this.opts.needDataCache) cache.delete(cache.keys().next().value!);
  }
}
