import type { Draws } from '../../core/keyed.js';
import type { ProtocolNode } from '../api.js';
import type { DropReason } from '../env.js';
import { Kademlia } from '../kademlia.js';
import type { BeeEnv } from './env.js';
import { BeeMsg, type BeeMessage } from './messages.js';
import type { BeeObserver, RadiusCause } from './observer.js';
import type { BeeMutant, BeeOptions } from './options.js';
import { BINS } from './bins.js';
import { BeePeer } from './peer.js';
import { Puller } from './puller.js';
import { Reserve, epochAt, type BeeChunks } from './reserve.js';
import { ReserveWorker } from './reserve-worker.js';
import { Server } from './server.js';
import { PullerStore } from './statestore.js';
import type { SyncPeer } from './syncpeer.js';
import { Stabilizer } from './warmup.js';

/**
 * One Bee node as far as pull sync goes: its reserve and the puller's statestore (both persist across
 * restarts; a wipe clears them), Kademlia (connection depth, kept but not what sync uses), the pullsync server,
 * and per life the warm-up detector, the reserve worker and the puller. `start()` boots a life, `stop()` ends
 * it (every connection must be gone): timers of an earlier life find their token stale.
 */
export class BeeNode implements ProtocolNode<BeeMessage, BeePeer> {
  readonly reserve: Reserve;
  readonly store = new PullerStore();
  kad: Kademlia;
  readonly peers = new Map<number, BeePeer>();
  readonly server: Server;
  private puller: Puller | undefined;
  private stabilizer: Stabilizer | undefined;
  private worker: ReserveWorker | undefined;
  private life = 0;
  private running = false;
  private streams = 0;
  private connections = 0;
  /** batches this node has seen expire (validStamp refuses their chunks) */
  private expired: Set<number> | undefined;
  private readonly mutants: ReadonlySet<string>;

  constructor(
    readonly id: number,
    head: number,
    chunks: BeeChunks,
    readonly opts: BeeOptions,
    readonly env: BeeEnv,
    /** the node's own draws (Go's random map order under bee-4443) */
    readonly rng: Draws,
    private readonly observer: BeeObserver | undefined,
  ) {
    this.reserve = new Reserve(id, head, chunks, observer, epochAt(env.now()));
    this.kad = new Kademlia(opts.neighbourhoodSize);
    this.server = new Server(this);
    this.mutants = new Set(opts.mutants);
  }

  mutant(name: BeeMutant): boolean {
    return this.mutants.has(name);
  }

  get radius(): number {
    return this.reserve.radius;
  }

  /** index entries of the reserve */
  get storedCount(): number {
    return this.reserve.size;
  }

  get warm(): boolean {
    return this.stabilizer?.stable ?? false;
  }

  /** Boots a life: the reserve worker from now, the puller after warm-up. */
  start(): void {
    if (this.running) throw new Error(`assertion failed: node ${this.id} started twice`);
    this.running = true;
    this.life++;
    this.stabilizer = new Stabilizer(this.opts, this.env, this, this.life);
    this.puller = new Puller(this, this.store, this.life);
    this.worker = new ReserveWorker(this, this.life);
    this.worker.start();
  }

  /** The node stops: every connection must already be gone; this life's protocol state and timers end. */
  stop(): void {
    if (this.peers.size > 0) throw new Error(`assertion failed: node ${this.id} stopped with ${this.peers.size} peers`);
    this.running = false;
    this.life++;
    this.stabilizer?.cancel();
    this.puller?.stop();
    this.server.clear();
    this.kad = new Kademlia(this.opts.neighbourhoodSize);
  }

  /** A wipe of a stopped node (db nuke): reserve, radius and statestore gone, bin IDs from 1, a new epoch. */
  wipe(): void {
    if (this.running) throw new Error(`assertion failed: node ${this.id} wiped while running`);
    const radius = this.reserve.radius;
    this.reserve.wipe(this.env.now());
    this.store.clear();
    if (radius !== 0) this.observer?.radius(this.id, 0, this.env.now(), 'wiped');
  }

  // --- connections ---------------------------------------------------------------------------------------

  /** A connection came up (`po` is stream!'s capped PO; Bee uses `po256` capped at 31). */
  connect(peerId: number, _po: number, po256: number, epoch: number, link?: unknown): BeePeer {
    if (!this.running) throw new Error(`assertion failed: node ${this.id} connected while stopped`);
    if (this.peers.has(peerId)) throw new Error(`assertion failed: node ${this.id} already connected to ${peerId}`);
    const peer = new BeePeer(peerId, po256, epoch, link, this.connections++);
    this.peers.set(peerId, peer);
    this.kad.on(po256);
    this.stabilizer!.record();
    this.puller!.signal();
    return peer;
  }

  /** The connection went down: its streams fail in both directions. */
  disconnect(peerId: number): void {
    const peer = this.peers.get(peerId);
    if (!peer) return;
    peer.closed = true;
    this.peers.delete(peerId);
    this.server.peerGone(peer);
    for (const s of [...peer.opened.values()]) s.broken();
    this.kad.off(peer.po256);
    this.puller?.signal();
  }

  /** A Kademlia-only peer: the connection depth changes (only bee-3700 reads it) and the puller hears a signal. */
  fakePeer(po256: number, on: boolean): void {
    if (on) this.kad.on(po256);
    else this.kad.off(po256);
    this.puller?.signal();
  }

  /** Connected peers as EachConnectedPeerRev walks them: deepest PO first, then in order of connection. */
  connectedPeersRev(): BeePeer[] {
    return [...this.peers.values()].sort((a, b) => b.po - a.po || a.seq - b.seq);
  }

  // --- messages --------------------------------------------------------------------------------------------

  /** A message from a connected peer (the transport hands its record back). */
  handle(peer: BeePeer, m: BeeMessage): void {
    switch (m.type) {
      case BeeMsg.Open: return this.server.onOpen(peer, m);
      case BeeMsg.Syn: return this.server.onSyn(peer, m);
      case BeeMsg.Get: return this.server.onGet(peer, m);
      case BeeMsg.Want: return this.server.onWant(peer, m);
      case BeeMsg.Reset:
        if (m.byOpener) return this.server.onReset(peer, m);
        return peer.opened.get(m.stream)?.receive(peer, m);
      default: return peer.opened.get(m.stream)?.receive(peer, m);
    }
  }

  send(peer: BeePeer, m: BeeMessage): void {
    this.env.send(this.id, peer.id, m, peer.link);
  }

  drop(peer: BeePeer, reason: DropReason): void {
    if (!peer.closed) this.env.drop(this.id, peer.id, reason);
  }

  newStream(): number {
    return ++this.streams;
  }

  // --- the reserve -----------------------------------------------------------------------------------------

  /** A chunk arrived by pull sync (ReservePutter): a new one wakes the bin's pages and may overfill. */
  putSynced(chunk: number): boolean {
    return this.put(chunk);
  }

  /** An upload (a push-sync delivery that lands here): stored whatever the radius. */
  upload(chunk: number): boolean {
    if (this.expired?.has(this.reserve.batchOf(chunk))) return false;
    return this.put(chunk);
  }

  /** A fault: the chunk leaves the reserve (index and data). */
  removeChunk(chunk: number): boolean {
    return this.reserve.remove(chunk, 'removed');
  }

  /** A fault: the chunk's data is lost while the reserve still lists it (issue 4337's inconsistent state). */
  loseData(chunk: number): boolean {
    return this.reserve.lose(chunk);
  }

  /** The node sees a batch expire (evictExpiredBatches): its chunks go, later ones fail validStamp. */
  expireBatch(batch: number): number {
    (this.expired ??= new Set()).add(batch);
    this.observer?.expired?.(this.id, batch, this.env.now());
    return this.reserve.evictBatchBin(batch, Infinity, BINS, 'expired');
  }

  /** validStamp: the chunk's batch has not expired here. */
  validStamp(chunk: number): boolean {
    return !this.expired?.has(this.reserve.batchOf(chunk));
  }

  /** SetRadius: stored, announced, and (when it changed) a topology signal to the puller. */
  setRadius(radius: number, cause: RadiusCause): void {
    if (radius === this.reserve.radius) return;
    this.reserve.radius = radius;
    this.observer?.radius(this.id, radius, this.env.now(), cause);
    this.puller?.signal();
  }

  syncRate(): number {
    return this.puller?.syncRate() ?? 0;
  }

  /** Warm-up ended (startReserveWorkers): the initial radius, then the puller starts. */
  warmedUp(): void {
    const { minimumRadius, networkRadius } = this.opts;
    const local = this.reserve.radius;
    this.setRadius(local <= minimumRadius ? Math.max(networkRadius, minimumRadius) : local, 'warmup');
    this.observer?.warmedUp?.(this.id, this.env.now());
    this.puller!.start();
  }

  /**
   * What sync work this node has pending, '' if none: warm-up, eviction or a due radius decrease, the
   * puller's recalculation, a worker or handler mid-exchange, a page with entries. Waiting at a server for a
   * first chunk (live sync) and the periodic timers are not pending work (docs/bee.md, "Quiescence").
   */
  pending(): string {
    if (!this.running) return '';
    if (!this.warm) return this.stabilizer!.monitoring ? 'warm-up' : '';
    return this.worker!.pending() || this.puller!.pending() || this.server.pending();
  }

  /** onChange runs of this life's puller. */
  get recalculations(): number {
    return this.puller?.recalculations ?? 0;
  }

  /** The puller's sync peers (empty before it starts), for tests and reports. */
  syncPeers(): ReadonlyMap<number, SyncPeer> {
    return this.puller?.syncPeers ?? new Map<number, SyncPeer>();
  }

  private put(chunk: number): boolean {
    const id = this.reserve.put(chunk);
    if (id === 0) return false;
    this.server.binGrew(this.reserve.binOf(chunk));
    this.worker?.checkCapacity();
    return true;
  }
}

