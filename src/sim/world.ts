import { Int32Arena } from '../core/arena.js';
import { Engine } from '../core/engine.js';
import { Keyed, wordsKey, type Key } from '../core/keyed.js';
import type { Rng } from '../core/rng.js';
import type { Micros } from '../core/units.js';
import { LatencyDraws, transit, type LinkModel } from '../net/links.js';
import type { Protocol, ProtocolNode, WireMessage } from '../protocol/api.js';
import { NO_COSTS, type Env, type Timed } from '../protocol/env.js';
import { AddressTable, WORDS, hexWords, po16, po256 } from '../topology/address.js';
import type { Topology } from '../topology/topology.js';
import type { ChunkHeads } from '../protocol/chunks.js';
import { ChunkTable } from './chunk-table.js';
import { Connections, type Conn } from './connections.js';
import { Hive, type HiveParams } from './hive.js';
import { LinkModels } from './link-models.js';
import { Machine, type RuntimeOptions } from './machine.js';
import { RunLoop } from './run-loop.js';
import type { WorldObserver } from './observer.js';

export interface WorldOptions {
  links: LinkModel;
  /** the simple hive: one redial this long after a protocol drop; undefined = no redial */
  redialDelay: Micros | undefined;
  /** the Go hive (hive.ts) instead: ticks, SuggestPeer, callable's schedule, the p2p dial history */
  hive?: HiveParams;
  /** chunks can be removed in this run (a protocol may keep what only removals make matter) */
  removals?: boolean;
  /** how handlers run (default serial: at once, at no cost); 'goroutines' puts them on a simulated machine */
  runtime?: RuntimeOptions;
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
  private readonly hive: Hive | undefined;
  private readonly held: { from: number; to: number; epoch: number; msg: M }[][];
  private readonly observers: WorldObserver[] = [];
  /** the link model of every pair (faults change them) */
  readonly linkModels: LinkModels;
  /** the observers that want every dispatched message (few runs have any: a trace) */
  private readonly receivers: WorldObserver[] = [];
  /** virtual time of the last event that did something (cancelled timers that fire later do nothing) */
  lastActive: Micros = 0;
  /** each node's key: a hash of its overlay address (what every draw for the node is keyed by, never its index) */
  readonly nodeKeys: readonly Key[];
  private readonly latency: LatencyDraws;

  private readonly K_DELIVER: number;
  private readonly K_TIMER: number;
  private readonly K_REDIAL: number;
  private readonly loop: RunLoop;
  /** a delivery's event argument is epoch * typeSlots + message type (the fingerprint sees each message's type) */
  private readonly typeSlots: number;
  /** messages sent and not yet delivered or discarded (quiescence by pending work needs it) */
  private inFlight = 0;
  /** the goroutine runtime's machine (undefined: handlers run serially, at once) */
  readonly machine: Machine | undefined;

  constructor(
    readonly topology: Topology,
    readonly opts: WorldOptions,
    rng: Rng,
    readonly protocol: Protocol<M, N>,
  ) {
    const n = topology.ids.length;
    this.up = topology.up.slice();
    this.linkModels = new LinkModels(opts.links, (a, b) => this.conns.key(a, b));
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
    this.loop = new RunLoop(e, protocol, () => this.idle(), opts.hive ? () => this.hive!.settled() : undefined);
    this.conns = new Connections(n);
    this.machine = opts.runtime?.handlers === 'goroutines' ? new Machine(this.engine, opts.runtime, Keyed.of(rng, 'schedule'), this.nodeKeys, protocol, () => (this.lastActive = this.engine.now)) : undefined;
    const facts = {
      stored: (node: number, c: number) => this.emit('stored', node, c),
      removed: (node: number, c: number, cause?: string) => this.emit('removed', node, c, cause),
      state: (node: number, name: string, value: number, cause: string) => {
        for (const o of this.observers) o.stateChanged?.(node, name, value, cause, this.now);
      },
    };
    for (let i = 0; i < n; i++) {
      const setup = { id: i, head: topology.addrs.head(i), chunks: this.chunkTable.heads, env: this.envFor(i), draws: ruids.sequence(this.nodeKeys[i]!), facts, removals: opts.removals ?? false, costs: this.machine?.opts.costs ?? NO_COSTS };
      this.nodes.push(protocol.createNode(setup));
    }
    for (const [a, b] of topology.conns) this.conns.wanted.add(this.key(a, b));
    const addrs = topology.addrs;
    const host = { engine: e, up: this.up, nodeKeys: this.nodeKeys, po: (a: number, b: number) => po256(addrs, a, addrs, b), reachable: (a: number, b: number) => this.up[a]! && this.up[b]! && this.conns.dialable(this.key(a, b)), dial: (a: number, b: number) => this.dial(a, b) };
    this.hive = opts.hive ? new Hive(host, opts.hive, Keyed.of(rng, 'hive'), n) : undefined;
  }

  observe(o: WorldObserver): void {
    this.observers.push(o);
    if (o.received) this.receivers.push(o);
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
    for (const [a, b] of this.topology.conns) if (this.hive) this.hive.connect(a, b);
    else if (this.up[a] && this.up[b]) this.link(a, b);
    if (this.hive) for (let i = 0; i < this.nodes.length; i++) if (this.up[i]) this.hive.started(i);
  }

  /** Runs until quiescent (RunLoop says when that is) or `maxTime`; true when quiescent. */
  runUntilQuiescent(maxTime: Micros = Infinity, tick?: () => void, every = 250_000, notBefore: Micros = 0): boolean {
    return this.loop.untilQuiescent(maxTime, tick, every, notBefore);
  }

  /** No up node has sync work pending and nothing is on the wire or held (quiescence 'pending'). */
  idle(): boolean {
    if (this.inFlight > 0 || this.hive?.idle() === false || (this.machine?.pending ?? 0) > 0) return false;
    for (let i = 0; i < this.nodes.length; i++) {
      if (this.held[i]!.length > 0) return false;
      if (this.up[i] && this.nodes[i]!.pending?.()) return false;
    }
    return true;
  }

  /** What the first busy node has pending ('' when idle): for a run that never went quiet. */
  pendingWork(): string {
    if (this.inFlight > 0) return `${this.inFlight} messages in flight`;
    const i = this.nodes.findIndex((n, j) => this.up[j] && n.pending?.());
    return i < 0 ? '' : `node ${i}: ${this.nodes[i]!.pending!()}`;
  }

  /** Runs every event up to and including time `t`; the clock then reads `t`. */
  runUntil(t: Micros, tick?: () => void, every = 250_000): void {
    this.loop.until(t, tick, every);
  }

  /** A Kademlia-only peer (Go tests' bogus/fake peers: kad.On without a protocol): depth changes, no messages flow. */
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

  /** Chunks of given addresses (a scenario names them: `pullsim shrink` writes uploads so), stamped with `batch`. */
  namedChunks(addresses: readonly string[], batch = 0): number[] {
    return addresses.map((hex) => this.chunkTable.add(hexWords(hex), batch));
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

  /** A scenario connect: wanted from now on, up at once if both nodes are (the go hive: `a` dials `b`). */
  connect(a: number, b: number): void {
    this.conns.wanted.add(this.key(a, b));
    if (this.hive) this.hive.connect(a, b);
    else if (this.up[a] && this.up[b]) this.link(a, b);
  }

  /** A scenario disconnect: no longer wanted, so no redial (the go hive: the two forget each other). */
  disconnect(a: number, b: number): void {
    this.conns.wanted.delete(this.key(a, b));
    this.unlink(a, b, 'disconnected by scenario');
    this.hive?.forget(a, b);
  }

  /** A partition cuts the pair: as a disconnect; with the go hive, still wanted, but every dial fails until uncut. */
  cut(a: number, b: number): void {
    if (!this.hive) return this.disconnect(a, b);
    this.conns.cut.add(this.key(a, b));
    this.unlink(a, b, 'disconnected by scenario');
  }

  /** A heal uncuts the pair: as a connect; with the go hive, the two hives dial it again at their own pace. */
  uncut(a: number, b: number): void {
    if (!this.hive) return this.connect(a, b);
    this.conns.cut.delete(this.key(a, b));
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
    this.hive?.stopped(node);
  }

  /** A stopped node starts again and reconnects to every wanted peer that is up (the go hive: one per tick). */
  restart(node: number): void {
    if (this.up[node]) return;
    this.up[node] = true;
    this.nodes[node]!.start();
    for (const o of this.observers) o.nodeUp?.(node, true, this.now);
    if (this.hive) this.hive.started(node);
    else for (const [a, b] of this.wantedPairs(node)) if (this.up[a] && this.up[b]) this.link(a, b);
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
    this.hive?.on(x, y);
  }

  /** The go hive's dial from `a` to `b`: connects when both are up and the pair is wanted, not cut, not linked. */
  private dial(a: number, b: number): boolean {
    const ok = this.up[a]! && this.up[b]! && this.conns.dialable(this.key(a, b));
    for (const o of this.observers) o.dialled?.(a, b, ok, this.now);
    if (ok) {
      this.lastActive = this.now;
      this.link(a, b);
    }
    return ok;
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
    this.hive?.off(conn.a, conn.b);
    return true;
  }

  /** A protocol Break: the connection goes down, and the simple hive redials it after redialDelay (the go hive: its own). */
  private dropped(a: number, b: number, reason: string): void {
    if (!this.unlink(a, b, reason)) return;
    const d = this.opts.redialDelay;
    if (d !== undefined && !this.hive) this.engine.after(d, this.K_REDIAL, Math.min(a, b), Math.max(a, b));
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
      work: w.machine ? (cost, rec, token, arg = 0) => w.machine!.submit(node, cost, rec, token, arg) : (_cost, rec, token, arg = 0) => void rec.fire(token, arg),
    };
  }

  private send(from: number, to: number, msg: M, link: Conn | undefined): void {
    const key = this.key(from, to);
    const conn = link ?? this.conns.get(key);
    if (!conn || !conn.live) return; // the peer is gone: nothing is sent
    const bytes = this.protocol.wireSize(msg);
    const model = this.linkModels.of(key);
    const at = transit(this.engine.now, bytes, conn, from === conn.a ? 0 : 1, model, conn.draws);
    for (const o of this.observers) o.sent?.(from, to, msg, bytes, this.now);
    this.inFlight++;
    this.engine.at(at, this.K_DELIVER, from, to, conn.epoch * this.typeSlots + msg.type, msg);
  }

  private deliver(from: number, to: number, epoch: number, msg: M): void {
    this.inFlight--;
    if (this.conns.byEpoch[epoch] === undefined) return; // sent on a connection that has since gone down
    this.lastActive = this.engine.now;
    if (this.paused[to]) return void this.held[to]!.push({ from, to, epoch, msg });
    if (this.machine) this.machine.receive(this, from, to, epoch, msg);
    else this.dispatch(from, to, epoch, msg);
  }

  /** The message reaches its handler (under the goroutine runtime when its receiving step has run). */
  dispatch(from: number, to: number, epoch: number, msg: M): void {
    // The connection by its epoch (an array read, not the receiver's Map of peers) holds the receiver's record
    // of the sender; link and unlink keep it in step with the nodes' own records.
    const conn = this.conns.byEpoch[epoch];
    if (conn === undefined) return; // the connection went down before the handler ran
    const peer = (to === conn.a ? conn.peerAtA : conn.peerAtB)!;
    const chunks = this.protocol.delivered(msg);
    if (chunks !== undefined) {
      const exchange = this.protocol.exchange(msg);
      for (const o of this.observers) if (o.arrived) for (let i = 0; i < chunks.length; i++) o.arrived(to, chunks[i]!, from, exchange, this.now, i);
    }
    for (let i = 0; i < this.receivers.length; i++) this.receivers[i]!.received!(from, to, msg, this.now);
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
