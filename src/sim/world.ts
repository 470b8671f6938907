import { Int32Arena } from '../core/arena.js';
import { Engine } from '../core/engine.js';
import { Keyed, subKey, wordsKey, type Key } from '../core/keyed.js';
import type { Rng } from '../core/rng.js';
import type { Micros } from '../core/units.js';
import { Channels, LatencyDraws, transit, type LinkDraws, type LinkModel } from '../net/links.js';
import type { Env, Timed } from '../protocol/env.js';
import { MsgType, wireSize, type Message } from '../protocol/messages.js';
import { SyncNode } from '../protocol/node.js';
import type { Peer } from '../protocol/peer.js';
import type { ProtocolOptions } from '../protocol/options.js';
import { AddressTable, WORDS, po16, po256 } from '../topology/address.js';
import type { Topology } from '../topology/topology.js';
import type { WorldObserver } from './observer.js';

export interface WorldOptions {
  protocol: ProtocolOptions;
  links: LinkModel;
  /** hive redial after a drop; undefined = no redial */
  redialDelay: Micros | undefined;
  /** keep the NeedData LRU (needed only when chunks can be removed) */
  trackNeedData?: boolean;
}

/** A live connection: two FIFO channels and an epoch that tells its messages from an earlier connection's. */
class Conn extends Channels {
  /** false once unlinked (a node may still hold the handle while its handler finishes) */
  live = true;
  /** node a's record of b, and node b's of a: what a delivery hands the receiver */
  peerAtA: Peer | undefined;
  peerAtB: Peer | undefined;
  constructor(
    readonly a: number,
    readonly b: number,
    readonly epoch: number,
    readonly po: number,
    readonly po256: number,
    /** the pair's latency draws (kept across its connections) */
    readonly draws: LinkDraws,
  ) {
    super();
  }
}

/**
 * The simulated network: nodes built from a topology, connections over simulated links, the clock, and the
 * observable facts (uploads, stores, arrivals, messages, drops) handed to observers. Its draws are keyed
 * (src/core/keyed.ts): a chunk's address by the key its caller gives, a message's latency by the addresses of its
 * link and its ordinal there, a node's request ids by the node's address.
 */
export class World {
  readonly engine = new Engine();
  readonly nodes: SyncNode[] = [];
  readonly up: boolean[];
  readonly paused: boolean[];
  readonly chunks = new AddressTable(1024);
  /** Int32 memory the stores and checkers keep their per-node tables in (they grow without ArrayBuffers) */
  readonly arena = new Int32Arena();
  readonly chunkHeads = { heads: new Uint32Array(1024), arena: this.arena };
  /** connections the topology (and scenario connects) want; redial restores these */
  private readonly wanted = new Set<number>();
  private readonly conns = new Map<number, Conn>();
  /** the live connections by epoch (undefined once down): a delivery's lookup */
  private readonly byEpoch: (Conn | undefined)[] = [undefined];
  private readonly held: { from: number; to: number; epoch: number; msg: Message }[][];
  private readonly observers: WorldObserver[] = [];
  private epoch = 0;
  private defaultModel: LinkModel;
  private readonly linkModels = new Map<number, LinkModel>();
  /** virtual time of the last event that did something (cancelled timers that fire later do nothing) */
  lastActive: Micros = 0;
  /** each node's key: a hash of its overlay address (what every draw for the node is keyed by, never its index) */
  readonly nodeKeys: readonly Key[];
  private readonly latency: LatencyDraws;
  private readonly chunkDraws: Keyed;
  private readonly K_DELIVER: number;
  private readonly K_TIMER: number;
  private readonly K_REDIAL: number;

  constructor(
    readonly topology: Topology,
    readonly opts: WorldOptions,
    rng: Rng,
  ) {
    const n = topology.ids.length;
    this.up = topology.up.slice();
    this.defaultModel = opts.links;
    this.paused = new Array<boolean>(n).fill(false);
    this.held = Array.from({ length: n }, () => []);
    this.nodeKeys = Array.from({ length: n }, (_, i) => wordsKey(topology.addrs.words, i * WORDS, WORDS));
    this.latency = new LatencyDraws(Keyed.of(rng, 'latency'), this.nodeKeys);
    this.chunkDraws = Keyed.of(rng, 'chunks');
    const ruids = Keyed.of(rng, 'ruid');
    const e = this.engine;
    // c = epoch * 8 + message type, so the fingerprint sees what kind of message each delivery was
    this.K_DELIVER = e.register('deliver', (from, to, c, msg) => this.deliver(from, to, Math.floor(c / 8), msg as Message));
    this.K_TIMER = e.register('timer', (_node, token, arg, rec) => {
      if ((rec as Timed).fire(token, arg)) this.lastActive = this.engine.now;
    });
    this.K_REDIAL = e.register('redial', (a, b) => this.redial(a, b));
    for (let i = 0; i < n; i++) {
      const env = this.envFor(i);
      const observer = { stored: (node: number, c: number) => this.emit('stored', node, c), removed: (node: number, c: number) => this.emit('removed', node, c) };
      this.nodes.push(new SyncNode(i, topology.addrs.head(i), this.chunkHeads, opts.protocol, env, ruids.sequence(this.nodeKeys[i]!), observer, opts.trackNeedData ?? false));
    }
    for (const [a, b] of topology.conns) this.wanted.add(this.key(a, b));
  }

  observe(o: WorldObserver): void {
    this.observers.push(o);
  }

  get now(): Micros {
    return this.engine.now;
  }

  /** Registers another event kind (for timelines built on top of the world). */
  register(name: string, handler: (a: number, b: number, c: number, payload: unknown) => void): number {
    return this.engine.register(name, handler);
  }

  /** Brings up every wanted connection between up nodes, in topology order. */
  start(): void {
    for (const [a, b] of this.topology.conns) if (this.up[a] && this.up[b]) this.link(a, b);
  }

  /**
   * Runs until nothing is pending (the queue drained) or `maxTime`; true when quiescent. With `tick`, runs in
   * slices of `every` events and calls it between them (slicing never changes the order of events).
   */
  runUntilQuiescent(maxTime: Micros = Infinity, tick?: () => void, every = 250_000): boolean {
    this.runSliced(maxTime, tick, every);
    return this.engine.queue.size === 0;
  }

  /** Runs every event up to and including time `t`; the clock then reads `t`. */
  runUntil(t: Micros, tick?: () => void, every = 250_000): void {
    this.runSliced(t, tick, every);
    if (this.engine.now < t) this.engine.now = t;
  }

  private runSliced(until: Micros, tick: (() => void) | undefined, every: number): void {
    if (!tick) return this.engine.run(until);
    const q = this.engine.queue;
    while (q.size > 0 && q.peekTime() <= until) {
      this.engine.run(until, every);
      tick();
    }
  }

  /**
   * A Kademlia-only peer (Go tests' bogus/fake peers: kad.On without a protocol): changes the node's depth
   * as a real connection would, but no messages flow.
   */
  fakePeer(node: number, po256: number, on: boolean): void {
    const n = this.nodes[node]!;
    if (on ? n.kad.on(po256) : n.kad.off(po256)) n.syncer.depthChanged();
  }

  // --- chunks ------------------------------------------------------------------------------------------

  /**
   * Makes `count` new chunks with uniformly random addresses; returns their ids. Chunk i's address is keyed by
   * (`batch`, i): the same batch key gives the same addresses in any run of this seed, whatever else it uploads.
   */
  newChunks(batch: Key, count: number): number[] {
    const ids: number[] = [];
    const words = new Uint32Array(WORDS);
    for (let i = 0; i < count; i++) {
      const k = subKey(batch, i);
      for (let w = 0; w < WORDS; w++) words[w] = this.chunkDraws.u32(k, w);
      const id = this.chunks.addWords(words, 0);
      if (id >= this.chunkHeads.heads.length) this.growHeads();
      this.chunkHeads.heads[id] = this.chunks.head(id);
      ids.push(id);
    }
    return ids;
  }

  upload(node: number, chunk: number): void {
    for (const o of this.observers) o.uploaded?.(node, chunk, this.now);
    this.nodes[node]!.upload(chunk);
  }

  removeChunk(node: number, chunk: number): boolean {
    return this.nodes[node]!.removeChunk(chunk);
  }

  // --- connections -------------------------------------------------------------------------------------

  isLinked(a: number, b: number): boolean {
    return this.conns.has(this.key(a, b));
  }

  linkCount(): number {
    return this.conns.size;
  }

  /** Live connections as sorted [a, b] pairs. */
  links(): [number, number][] {
    return [...this.conns.values()].map((c): [number, number] => [c.a, c.b]).sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  }

  /** A scenario connect: wanted from now on, up at once if both nodes are. */
  connect(a: number, b: number): void {
    this.wanted.add(this.key(a, b));
    if (this.up[a] && this.up[b]) this.link(a, b);
  }

  /** A scenario disconnect: no longer wanted, so no redial. */
  disconnect(a: number, b: number): void {
    this.wanted.delete(this.key(a, b));
    this.unlink(a, b, 'disconnected by scenario');
  }

  /** The link model of the pair (a, b): its own if one was set, else the world's. */
  linkModel(a: number, b: number): LinkModel {
    return this.linkModels.get(this.key(a, b)) ?? this.defaultModel;
  }

  /** Sets the link model of one pair, kept across reconnects (undefined = back to the world's). */
  setLinkModel(a: number, b: number, model: LinkModel | undefined): void {
    if (model) this.linkModels.set(this.key(a, b), model);
    else this.linkModels.delete(this.key(a, b));
  }

  /** The world's link model, for pairs without one of their own. */
  get defaultLinks(): LinkModel {
    return this.defaultModel;
  }

  /** Sets the world's link model (every pair without one of its own); undefined = the configured one. */
  setDefaultLinks(model: LinkModel | undefined): void {
    this.defaultModel = model ?? this.opts.links;
  }

  /** Every wanted pair touching `node` (links it has or would have when both ends are up). */
  wantedPairs(node?: number): [number, number][] {
    const n = this.nodes.length;
    const out: [number, number][] = [];
    for (const k of this.wanted) {
      const a = Math.floor(k / n);
      const b = k % n;
      if (node === undefined || a === node || b === node) out.push([a, b]);
    }
    return out.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  }

  stop(node: number): void {
    if (!this.up[node]) return;
    for (const peer of [...this.nodes[node]!.peers.keys()]) this.unlink(node, peer, 'node stopped');
    this.up[node] = false;
    this.held[node] = [];
    this.paused[node] = false;
    this.nodes[node]!.stop();
    for (const o of this.observers) o.nodeUp?.(node, false, this.now);
  }

  /** A stopped node starts again and reconnects to every wanted peer that is up. */
  restart(node: number): void {
    if (this.up[node]) return;
    this.up[node] = true;
    for (const o of this.observers) o.nodeUp?.(node, true, this.now);
    for (const [a, b] of this.wantedPairs(node)) if (this.up[a] && this.up[b]) this.link(a, b);
  }

  /** Holds messages that arrive at `node` until resume (handlers already running are not affected). */
  pause(node: number): void {
    this.paused[node] = true;
  }

  resume(node: number): void {
    if (!this.paused[node]) return;
    this.paused[node] = false;
    const held = this.held[node]!;
    this.held[node] = [];
    for (const h of held) this.engine.at(this.now, this.K_DELIVER, h.from, h.to, h.epoch * 8 + h.msg.type, h.msg);
  }

  private link(a: number, b: number): void {
    const key = this.key(a, b);
    if (this.conns.has(key)) return;
    const [x, y] = a < b ? [a, b] : [b, a];
    const t = this.topology;
    const conn = new Conn(x, y, ++this.epoch, po16(t.addrs.head(x), t.addrs.head(y)), po256(t.addrs, x, t.addrs, y), this.latency.pair(key, x, y));
    this.conns.set(key, conn);
    this.byEpoch[conn.epoch] = conn;
    conn.peerAtA = this.nodes[x]!.connect(y, conn.po, conn.po256, conn.epoch, conn);
    conn.peerAtB = this.nodes[y]!.connect(x, conn.po, conn.po256, conn.epoch, conn);
    for (const o of this.observers) o.connected?.(x, y, this.now);
  }

  /** The latency drawn for message `ordinal` (from 0) sent over the link from `from` to `to` under `model`. */
  latencyOf(from: number, to: number, ordinal: number, model: LinkModel): Micros {
    return this.latency.latencyOf(from, to, ordinal, model);
  }

  private unlink(a: number, b: number, reason: string): boolean {
    const key = this.key(a, b);
    const conn = this.conns.get(key);
    if (!conn) return false;
    this.conns.delete(key);
    this.byEpoch[conn.epoch] = undefined;
    conn.live = false;
    this.nodes[conn.a]!.disconnect(conn.b);
    this.nodes[conn.b]!.disconnect(conn.a);
    for (const o of this.observers) o.disconnected?.(conn.a, conn.b, reason, this.now);
    return true;
  }

  /** A protocol Break: the connection goes down, and the hive redials it after redialDelay. */
  private dropped(a: number, b: number, reason: string): void {
    if (!this.unlink(a, b, reason)) return;
    const d = this.opts.redialDelay;
    if (d !== undefined) this.engine.after(d, this.K_REDIAL, Math.min(a, b), Math.max(a, b));
  }

  private redial(a: number, b: number): void {
    this.lastActive = this.engine.now;
    if (this.up[a] && this.up[b] && this.wanted.has(this.key(a, b))) this.link(a, b);
  }

  // --- transport ---------------------------------------------------------------------------------------

  private envFor(node: number): Env {
    const w = this;
    return {
      now: () => w.engine.now,
      send: (from, to, msg, link) => w.send(from, to, msg, link as Conn | undefined),
      after: (delay: Micros, rec: Timed, token: number, arg = 0) => w.engine.after(delay, w.K_TIMER, node, token, arg, rec),
      at: (time: Micros, rec: Timed, token: number, arg = 0) => w.engine.at(time, w.K_TIMER, node, token, arg, rec),
      drop: (from, to, reason) => w.dropped(from, to, reason),
    };
  }

  private send(from: number, to: number, msg: Message, link: Conn | undefined): void {
    const key = this.key(from, to);
    const conn = link ?? this.conns.get(key);
    if (!conn || !conn.live) return; // the peer is gone: nothing is sent
    const bytes = wireSize(msg);
    // hot path: most runs set no per-pair link model, so skip the lookup while there is none
    const model = this.linkModels.size === 0 ? this.defaultModel : (this.linkModels.get(key) ?? this.defaultModel);
    const at = transit(this.engine.now, bytes, conn, from === conn.a ? 0 : 1, model, conn.draws);
    for (const o of this.observers) o.sent?.(from, to, msg, bytes, this.now);
    this.engine.at(at, this.K_DELIVER, from, to, conn.epoch * 8 + msg.type, msg);
  }

  private deliver(from: number, to: number, epoch: number, msg: Message): void {
    // The connection by its epoch (an array read, not the receiver's Map of peers) holds the receiver's record
    // of the sender; link and unlink keep it in step with the nodes' own records.
    const conn = this.byEpoch[epoch];
    if (conn === undefined) return; // sent on a connection that has since gone down
    const peer = (to === conn.a ? conn.peerAtA : conn.peerAtB)!;
    this.lastActive = this.engine.now;
    if (this.paused[to]) {
      this.held[to]!.push({ from, to, epoch, msg });
      return;
    }
    if (msg.type === MsgType.ChunkDelivery) {
      const chunks = msg.chunks;
      for (const o of this.observers) if (o.arrived) for (let i = 0; i < chunks.length; i++) o.arrived(to, chunks[i]!, from, msg.ruid, this.now, i);
    }
    this.nodes[to]!.handle(peer, msg);
  }

  private emit(kind: 'stored' | 'removed', node: number, chunk: number): void {
    // a named call, not o[kind]: this runs for every chunk stored, and a keyed lookup by a variable name is slow
    if (kind === 'stored') for (const o of this.observers) o.stored?.(node, chunk, this.now);
    else for (const o of this.observers) o.removed?.(node, chunk, this.now);
  }

  private key(a: number, b: number): number {
    return a < b ? a * this.nodes.length + b : b * this.nodes.length + a;
  }

  private growHeads(): void {
    const h = new Uint32Array(this.chunkHeads.heads.length * 2);
    h.set(this.chunkHeads.heads);
    this.chunkHeads.heads = h;
  }
}
