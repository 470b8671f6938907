import { Int32Arena } from '../core/arena.js';
import { Engine } from '../core/engine.js';
import { Keyed, wordsKey, type Key } from '../core/keyed.js';
import type { Rng } from '../core/rng.js';
import { SECOND, type Micros } from '../core/units.js';
import { LatencyDraws, transit, type LinkModel } from '../net/links.js';
import type { Protocol, ProtocolNode, WireMessage } from '../protocol/api.js';
import type { Env, Timed } from '../protocol/env.js';
import { AddressTable, WORDS, po16, po256 } from '../topology/address.js';
import type { Topology } from '../topology/topology.js';
import type { ChunkHeads } from '../protocol/chunks.js';
import { ChunkTable } from './chunk-table.js';
import { Connections, type Conn } from './connections.js';
import { LinkModels } from './link-models.js';
import type { WorldObserver } from './observer.js';

export interface WorldOptions {
  links: LinkModel;
  /** hive redial after a drop; undefined = no redial */
  redialDelay: Micros | undefined;
  /** chunks can be removed in this run (a protocol may keep what only removals make matter) */
  removals?: boolean;
}

/**
 * The simulated network: nodes built from a topology, connections over simulated links, the clock, and the
 * observable facts (uploads, stores, arrivals, messages, drops) handed to observers. Its draws are keyed
 * (src/core/keyed.ts): a chunk's address by the key its caller gives, a message's latency by the addresses of its
 * link and its ordinal there, a node's request ids by the node's address.
 */
export class World<M extends WireMessage = WireMessage, N extends ProtocolNode<M> = ProtocolNode<M>> {
  readonly engine = new Engine();
  readonly nodes: N[] = [];
  readonly up: boolean[];
  readonly paused: boolean[];
  private readonly chunkTable: ChunkTable;
  /** Int32 memory the stores and checkers keep their per-node tables in (they grow without ArrayBuffers) */
  readonly arena = new Int32Arena();

  private readonly conns: Connections;
  private readonly held: { from: number; to: number; epoch: number; msg: M }[][];
  private readonly observers: WorldObserver[] = [];
  private readonly models: LinkModels;
  /** virtual time of the last event that did something (cancelled timers that fire later do nothing) */
  lastActive: Micros = 0;
  /** each node's key: a hash of its overlay address (what every draw for the node is keyed by, never its index) */
  readonly nodeKeys: readonly Key[];
  private readonly latency: LatencyDraws;

  private readonly K_DELIVER: number;
  private readonly K_TIMER: number;
  private readonly K_REDIAL: number;
  private readonly K_PROBE: number;
  /** quiescence by pending work: the run went quiet (a probe found every node idle) */
  private quiet = false;
  private idleAfter: Micros = 0;
  /** a delivery's event argument is epoch * typeSlots + message type (the fingerprint sees each message's type) */
  private readonly typeSlots: number;
  /** messages sent and not yet delivered or discarded (quiescence by pending work needs it) */
  private inFlight = 0;

  constructor(
    readonly topology: Topology,
    readonly opts: WorldOptions,
    rng: Rng,
    readonly protocol: Protocol<M, N>,
  ) {
    const n = topology.ids.length;
    this.up = topology.up.slice();
    this.models = new LinkModels(opts.links);
    this.paused = new Array<boolean>(n).fill(false);
    this.held = Array.from({ length: n }, () => []);
    this.nodeKeys = Array.from({ length: n }, (_, i) => wordsKey(topology.addrs.words, i * WORDS, WORDS));
    this.latency = new LatencyDraws(Keyed.of(rng, 'latency'), this.nodeKeys);
    this.chunkTable = new ChunkTable(this.arena, Keyed.of(rng, 'chunks'));
    const ruids = Keyed.of(rng, 'ruid');
    const e = this.engine;
    this.typeSlots = protocol.messageNames.length <= 8 ? 8 : 16;
    this.K_DELIVER = e.register('deliver', (from, to, c, msg) => this.deliver(from, to, Math.floor(c / this.typeSlots), msg as M));
    this.K_TIMER = e.register('timer', (_node, token, arg, rec) => {
      if ((rec as Timed).fire(token, arg)) this.lastActive = this.engine.now;
    });
    this.K_REDIAL = e.register('redial', (a, b) => this.redial(a, b));
    // only a protocol that needs probes registers them (an event kind is part of every later kind's number)
    this.K_PROBE = protocol.quiescence === 'pending' ? e.register('probe', () => this.probe()) : -1;
    this.conns = new Connections(n);
    const facts = {
      stored: (node: number, c: number) => this.emit('stored', node, c),
      removed: (node: number, c: number, cause?: string) => this.emit('removed', node, c, cause),
      state: (node: number, name: string, value: number, cause: string) => {
        for (const o of this.observers) o.stateChanged?.(node, name, value, cause, this.now);
      },
    };
    for (let i = 0; i < n; i++) {
      const setup = { id: i, head: topology.addrs.head(i), chunks: this.chunkTable.heads, env: this.envFor(i), draws: ruids.sequence(this.nodeKeys[i]!), facts, removals: opts.removals ?? false };
      this.nodes.push(protocol.createNode(setup));
    }
    for (const [a, b] of topology.conns) this.conns.wanted.add(this.key(a, b));
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

  /** Starts every up node's life, then brings up every wanted connection between up nodes, in topology order. */
  start(): void {
    for (let i = 0; i < this.nodes.length; i++) if (this.up[i]) this.nodes[i]!.start();
    for (const [a, b] of this.topology.conns) if (this.up[a] && this.up[b]) this.link(a, b);
  }

  /**
   * Runs until the network is quiescent or `maxTime`; true when quiescent. For most protocols quiescent means the
   * queue drained; for one whose periodic timers never stop (Protocol.quiescence 'pending'), it means no up node has
   * sync work pending and no message is on its way, from `notBefore` on (the scenario's last event), checked every
   * `probeEvery` of virtual time. With `tick`, runs in slices of `every` events and calls it between them (slicing
   * never changes the order of events).
   */
  runUntilQuiescent(maxTime: Micros = Infinity, tick?: () => void, every = 250_000, notBefore: Micros = 0): boolean {
    if (this.protocol.quiescence === 'queue') {
      this.runSliced(maxTime, tick, every);
      return this.engine.queue.size === 0;
    }
    this.idleAfter = notBefore;
    this.quiet = false;
    this.engine.after(this.protocol.probeEvery ?? SECOND, this.K_PROBE);
    this.runSliced(maxTime, tick, every);
    return this.quiet || this.engine.queue.size === 0;
  }

  /** No up node has sync work pending and nothing is on the wire or held (quiescence 'pending'). */
  idle(): boolean {
    if (this.inFlight > 0) return false;
    for (let i = 0; i < this.nodes.length; i++) {
      if (this.held[i]!.length > 0) return false;
      if (this.up[i] && this.nodes[i]!.pending?.()) return false;
    }
    return true;
  }

  /** What the first busy node has pending ('' when idle): for a run that never went quiet. */
  pendingWork(): string {
    if (this.inFlight > 0) return `${this.inFlight} messages in flight`;
    for (let i = 0; i < this.nodes.length; i++) {
      const p = this.up[i] ? this.nodes[i]!.pending?.() : '';
      if (p) return `node ${i}: ${p}`;
    }
    return '';
  }

  private probe(): void {
    if (this.engine.now >= this.idleAfter && this.idle()) this.quiet = true;
    else this.engine.after(this.protocol.probeEvery ?? SECOND, this.K_PROBE);
  }

  /** Runs every event up to and including time `t`; the clock then reads `t`. */
  runUntil(t: Micros, tick?: () => void, every = 250_000): void {
    this.runSliced(t, tick, every);
    if (this.engine.now < t) this.engine.now = t;
  }

  private runSliced(until: Micros, tick: (() => void) | undefined, every: number): void {
    const stop = this.protocol.quiescence === 'pending' ? () => this.quiet : undefined;
    if (!tick) return this.engine.run(until, Infinity, stop);
    const q = this.engine.queue;
    while (q.size > 0 && q.peekTime() <= until && !this.quiet) {
      this.engine.run(until, every, stop);
      tick();
    }
  }

  /**
   * A Kademlia-only peer (Go tests' bogus/fake peers: kad.On without a protocol): changes the node's depth
   * as a real connection would, but no messages flow.
   */
  fakePeer(node: number, po256: number, on: boolean): void {
    this.nodes[node]!.fakePeer(po256, on);
  }

  // --- chunks ------------------------------------------------------------------------------------------

  /**
   * Makes `count` new chunks with uniformly random addresses, stamped with postage batch `batch`; returns their ids.
   * Chunk i's address is keyed by (`key`, i): the same key gives the same addresses in any run of this seed.
   */
  newChunks(key: Key, count: number, batch = 0): number[] {
    return this.chunkTable.make(key, count, batch);
  }

  /** A chunk's postage batch (0 unless its upload named one). */
  batchOf(chunk: number): number {
    return this.chunkTable.batchOf(chunk);
  }

  /** Chunk addresses by chunk id. */
  get chunks(): AddressTable {
    return this.chunkTable.addresses;
  }

  /** The first word of every chunk's address, where the stores read it. */
  get chunkHeads(): ChunkHeads {
    return this.chunkTable.heads;
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
    return this.conns.get(this.key(a, b)) !== undefined;
  }

  linkCount(): number {
    return this.conns.size;
  }

  /** Live connections as sorted [a, b] pairs. */
  links(): [number, number][] {
    return this.conns.list();
  }

  /** A scenario connect: wanted from now on, up at once if both nodes are. */
  connect(a: number, b: number): void {
    this.conns.wanted.add(this.key(a, b));
    if (this.up[a] && this.up[b]) this.link(a, b);
  }

  /** A scenario disconnect: no longer wanted, so no redial. */
  disconnect(a: number, b: number): void {
    this.conns.wanted.delete(this.key(a, b));
    this.unlink(a, b, 'disconnected by scenario');
  }

  /** The link model of the pair (a, b): its own if one was set, else the world's. */
  linkModel(a: number, b: number): LinkModel {
    return this.models.of(this.key(a, b));
  }

  /** Sets the link model of one pair, kept across reconnects (undefined = back to the world's). */
  setLinkModel(a: number, b: number, model: LinkModel | undefined): void {
    this.models.set(this.key(a, b), model);
  }

  /** The world's link model, for pairs without one of their own. */
  get defaultLinks(): LinkModel {
    return this.models.defaults;
  }

  /** Sets the world's link model (every pair without one of its own); undefined = the configured one. */
  setDefaultLinks(model: LinkModel | undefined): void {
    this.models.setDefaults(model);
  }

  /** Every wanted pair touching `node` (links it has or would have when both ends are up). */
  wantedPairs(node?: number): [number, number][] {
    return this.conns.wantedPairs(node);
  }

  stop(node: number): void {
    if (!this.up[node]) return;
    for (const peer of [...this.conns.linked[node]!]) this.unlink(node, peer, 'node stopped');
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
    this.nodes[node]!.start();
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
    for (const h of held) this.engine.at(this.now, this.K_DELIVER, h.from, h.to, h.epoch * this.typeSlots + h.msg.type, h.msg);
  }

  private link(a: number, b: number): void {
    const key = this.key(a, b);
    if (this.conns.get(key)) return;
    const [x, y] = a < b ? [a, b] : [b, a];
    const t = this.topology;
    const conn = this.conns.open(x, y, po16(t.addrs.head(x), t.addrs.head(y)), po256(t.addrs, x, t.addrs, y), this.latency.pair(key, x, y));
    conn.peerAtA = this.nodes[x]!.connect(y, conn.po, conn.po256, conn.epoch, conn);
    conn.peerAtB = this.nodes[y]!.connect(x, conn.po, conn.po256, conn.epoch, conn);
    for (const o of this.observers) o.connected?.(x, y, this.now);
  }

  /** The latency drawn for message `ordinal` (from 0) sent over the link from `from` to `to` under `model`. */
  latencyOf(from: number, to: number, ordinal: number, model: LinkModel): Micros {
    return this.latency.latencyOf(from, to, ordinal, model);
  }

  private unlink(a: number, b: number, reason: string): boolean {
    const conn = this.conns.close(a, b);
    if (!conn) return false;
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
    if (this.up[a] && this.up[b] && this.conns.wanted.has(this.key(a, b))) this.link(a, b);
  }

  // --- transport ---------------------------------------------------------------------------------------

  private envFor(node: number): Env<M> {
    const w = this;
    return {
      now: () => w.engine.now,
      send: (from, to, msg, link) => w.send(from, to, msg, link as Conn | undefined),
      after: (delay: Micros, rec: Timed, token: number, arg = 0) => w.engine.after(delay, w.K_TIMER, node, token, arg, rec),
      at: (time: Micros, rec: Timed, token: number, arg = 0) => w.engine.at(time, w.K_TIMER, node, token, arg, rec),
      drop: (from, to, reason) => w.dropped(from, to, reason),
    };
  }

  private send(from: number, to: number, msg: M, link: Conn | undefined): void {
    const key = this.key(from, to);
    const conn = link ?? this.conns.get(key);
    if (!conn || !conn.live) return; // the peer is gone: nothing is sent
    const bytes = this.protocol.wireSize(msg);
    const model = this.models.of(key);
    const at = transit(this.engine.now, bytes, conn, from === conn.a ? 0 : 1, model, conn.draws);
    for (const o of this.observers) o.sent?.(from, to, msg, bytes, this.now);
    this.inFlight++;
    this.engine.at(at, this.K_DELIVER, from, to, conn.epoch * this.typeSlots + msg.type, msg);
  }

  private deliver(from: number, to: number, epoch: number, msg: M): void {
    this.inFlight--;
    // The connection by its epoch (an array read, not the receiver's Map of peers) holds the receiver's record
    // of the sender; link and unlink keep it in step with the nodes' own records.
    const conn = this.conns.byEpoch[epoch];
    if (conn === undefined) return; // sent on a connection that has since gone down
    const peer = (to === conn.a ? conn.peerAtA : conn.peerAtB)!;
    this.lastActive = this.engine.now;
    if (this.paused[to]) {
      this.held[to]!.push({ from, to, epoch, msg });
      return;
    }
    const chunks = this.protocol.delivered(msg);
    if (chunks !== undefined) {
      const exchange = this.protocol.exchange(msg);
      for (const o of this.observers) if (o.arrived) for (let i = 0; i < chunks.length; i++) o.arrived(to, chunks[i]!, from, exchange, this.now, i);
    }
    this.nodes[to]!.handle(peer, msg);
  }

  private emit(kind: 'stored' | 'removed', node: number, chunk: number, cause?: string): void {
    // a named call, not o[kind]: this runs for every chunk stored, and a keyed lookup by a variable name is slow
    if (kind === 'stored') for (const o of this.observers) o.stored?.(node, chunk, this.now);
    else for (const o of this.observers) o.removed?.(node, chunk, this.now, cause);
  }

  private key(a: number, b: number): number {
    return this.conns.key(a, b);
  }

}
