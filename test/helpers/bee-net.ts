/**
 * A tiny test-only world for Bee nodes: the Engine, a few BeeNodes with addresses given by their first word,
 * links of fixed latency (FIFO per direction), and a record of what was stored, removed, delivered and sent.
 * Tests read like scenarios: `const net = beeNet([...heads])`, `net.link(0, 1)`, `net.upload(0, chunk)`,
 * `net.runFor(2 * SECOND)`, then ask `net.holds(1, chunk)`.
 */
import { Engine } from '../../src/core/engine.js';
import { createRng } from '../../src/core/rng.js';
import { SECOND, type Micros } from '../../src/core/units.js';
import type { Timed } from '../../src/protocol/env.js';
import type { BeeEnv } from '../../src/protocol/bee/env.js';
import { BEE_MSG_NAMES, BeeMsg, deliveredChunk, PLACEHOLDER, type BeeMessage } from '../../src/protocol/bee/messages.js';
import { BeeNode } from '../../src/protocol/bee/node.js';
import type { BeeObserver, RadiusCause, RemoveCause } from '../../src/protocol/bee/observer.js';
import { beeDefaults, type BeeOptions } from '../../src/protocol/bee/options.js';
import type { BeePeer } from '../../src/protocol/bee/peer.js';
import type { BeeChunks } from '../../src/protocol/bee/reserve.js';

/** A live connection: the two nodes' records of each other and the epoch that tells it from earlier ones. */
interface Conn {
  a: number;
  b: number;
  epoch: number;
  live: boolean;
  peerAtA: BeePeer | undefined;
  peerAtB: BeePeer | undefined;
}

export interface RadiusEvent {
  node: number;
  radius: number;
  time: Micros;
  cause: RadiusCause;
}

export interface BeeNetSetup {
  /** options for every node (defaults: Bee's, warm-up 10 s so tests stay short) */
  bee?: Partial<BeeOptions>;
  latency?: Micros;
  seed?: string;
  /** do not start the nodes (a test that wants to start them itself) */
  stopped?: boolean;
  /** keep every message sent in `net.log` */
  log?: boolean;
}

export interface Sent {
  time: Micros;
  from: number;
  to: number;
  msg: BeeMessage;
}

export class BeeNet {
  readonly engine = new Engine();
  readonly nodes: BeeNode[] = [];
  /** the chunk table the nodes share; its arrays are replaced as it grows */
  readonly chunks: BeeChunks & { batches: Int32Array } = { heads: new Uint32Array(1024), batches: new Int32Array(1024) };
  chunkCount = 0;
  readonly opts: BeeOptions;
  readonly latency: Micros;
  /** per node, the chunks its reserve holds (from the observer, not from the node) */
  readonly held: Set<number>[];
  readonly removals: { node: number; chunk: number; cause: RemoveCause }[] = [];
  readonly radii: RadiusEvent[] = [];
  readonly warmedUp: { node: number; time: Micros }[] = [];
  /** messages sent, by type name */
  readonly sent = new Map<string, number>();
  /** chunk deliveries that arrived: [receiver, chunk] (placeholders left out) */
  readonly arrivals: [number, number][] = [];
  readonly drops: string[] = [];
  /** every message sent, when the setup asked for a log */
  readonly log: Sent[] = [];
  private readonly logging: boolean;
  /** nodes whose incoming messages are held back (a slow peer), with what is held */
  private readonly holding = new Map<number, [Conn, number, BeeMessage][]>();
  private readonly conns = new Map<number, Conn>();
  /** live connections by epoch: a delivery's lookup */
  private readonly byEpoch = new Map<number, Conn>();
  private epoch = 0;
  private readonly K_DELIVER: number;
  private readonly K_TIMER: number;

  constructor(readonly heads: readonly number[], setup: BeeNetSetup = {}) {
    this.opts = { ...beeDefaults(), warmupTime: 10 * SECOND, ...setup.bee };
    this.latency = setup.latency ?? 0;
    this.logging = setup.log ?? false;
    const rng = createRng(setup.seed ?? 'bee-net');
    this.held = heads.map(() => new Set<number>());
    const e = this.engine;
    this.K_DELIVER = e.register('deliver', (_from, to, epoch, msg) => this.deliver(to, epoch, msg as BeeMessage));
    this.K_TIMER = e.register('timer', (_node, token, arg, rec) => {
      (rec as Timed).fire(token, arg);
    });
    const observer: BeeObserver = {
      stored: (node, chunk) => void this.held[node]!.add(chunk),
      removed: (node, chunk, cause) => {
        this.held[node]!.delete(chunk);
        this.removals.push({ node, chunk, cause });
      },
      radius: (node, radius, time, cause) => void this.radii.push({ node, radius, time, cause }),
      warmedUp: (node, time) => void this.warmedUp.push({ node, time }),
    };
    heads.forEach((head, i) => {
      this.nodes.push(new BeeNode(i, head >>> 0, this.chunks, this.opts, this.envFor(i), rng.fork(`node:${i}`), observer));
    });
    if (!setup.stopped) for (const n of this.nodes) n.start();
  }

  get now(): Micros {
    return this.engine.now;
  }

  // --- chunks ------------------------------------------------------------------------------------------------

  /** A new chunk with address word `head` in `batch`; returns its id. */
  chunk(head: number, batch = 0): number {
    const id = this.chunkCount++;
    if (id === this.chunks.heads.length) {
      const heads = new Uint32Array(id * 2);
      heads.set(this.chunks.heads);
      const batches = new Int32Array(id * 2);
      batches.set(this.chunks.batches);
      this.chunks.heads = heads;
      this.chunks.batches = batches;
    }
    this.chunks.heads[id] = head >>> 0;
    this.chunks.batches[id] = batch;
    return id;
  }

  /** A new chunk at exactly PO `po` from node `node` (0 <= po < 31), the lower bits varied by `salt`. */
  chunkAt(node: number, po: number, salt = this.chunkCount, batch = 0): number {
    const head = this.heads[node]! >>> 0;
    const flipped = (head ^ (0x80000000 >>> po)) >>> 0;
    const lowMask = po >= 31 ? 0 : (0xffffffff >>> (po + 1)) >>> 0;
    const low = Math.imul(salt + 1, 0x9e3779b1) >>> 0;
    return this.chunk(((flipped & ~lowMask) | (low & lowMask)) >>> 0, batch);
  }

  upload(node: number, chunk: number): boolean {
    return this.nodes[node]!.upload(chunk);
  }

  holds(node: number, chunk: number): boolean {
    return this.held[node]!.has(chunk);
  }

  // --- connections ---------------------------------------------------------------------------------------------

  link(a: number, b: number): void {
    const key = this.key(a, b);
    if (this.conns.has(key)) return;
    const conn: Conn = { a, b, epoch: ++this.epoch, live: true, peerAtA: undefined, peerAtB: undefined };
    this.conns.set(key, conn);
    this.byEpoch.set(conn.epoch, conn);
    const po = po256(this.heads[a]!, this.heads[b]!);
    conn.peerAtA = this.nodes[a]!.connect(b, po, po, conn.epoch, conn);
    conn.peerAtB = this.nodes[b]!.connect(a, po, po, conn.epoch, conn);
  }

  /** Every pair of the given nodes linked. */
  mesh(ids: readonly number[] = this.nodes.map((_, i) => i)): void {
    for (let i = 0; i < ids.length; i++) for (let j = i + 1; j < ids.length; j++) this.link(ids[i]!, ids[j]!);
  }

  unlink(a: number, b: number): void {
    const conn = this.conns.get(this.key(a, b));
    if (!conn) return;
    conn.live = false;
    this.conns.delete(this.key(a, b));
    this.byEpoch.delete(conn.epoch);
    this.nodes[conn.a]!.disconnect(conn.b);
    this.nodes[conn.b]!.disconnect(conn.a);
  }

  isLinked(a: number, b: number): boolean {
    return this.conns.has(this.key(a, b));
  }

  /** Stops a node: its links go down first; returns the peers it had. */
  stop(node: number): number[] {
    const peers = [...this.conns.values()].filter((c) => c.a === node || c.b === node).map((c) => (c.a === node ? c.b : c.a));
    for (const p of peers) this.unlink(node, p);
    this.nodes[node]!.stop();
    return peers;
  }

  /** Starts a stopped node and links it to `peers`. */
  start(node: number, peers: readonly number[] = []): void {
    this.nodes[node]!.start();
    for (const p of peers) this.link(node, p);
  }

  /** Messages to `node` are held back until `release` (a peer that answers nothing for a while). */
  hold(node: number): void {
    if (!this.holding.has(node)) this.holding.set(node, []);
  }

  release(node: number): void {
    const held = this.holding.get(node) ?? [];
    this.holding.delete(node);
    for (const [conn, from, msg] of held) {
      if (!conn.live) continue;
      this.inTransit++;
      this.engine.after(0, this.K_DELIVER, from, node, conn.epoch, msg);
    }
  }

  // --- time ------------------------------------------------------------------------------------------------------

  runFor(dt: Micros): void {
    this.runUntil(this.engine.now + dt);
  }

  runUntil(t: Micros): void {
    this.engine.run(t, 5_000_000);
    if (this.engine.now < t) this.engine.now = t;
  }

  /** Runs in steps of `step` until no node has pending work (or `limit`); returns the time it took. */
  settle(limit: Micros, step: Micros = SECOND): Micros {
    const from = this.engine.now;
    while (this.engine.now - from < limit) {
      this.runFor(step);
      if (this.nodes.every((n) => n.pending() === '') && this.inFlight() === 0) break;
    }
    return this.engine.now - from;
  }

  /** Messages scheduled but not yet delivered, and held ones. */
  inFlight(): number {
    let held = 0;
    for (const list of this.holding.values()) held += list.length;
    return this.inTransit + held;
  }

  count(type: (typeof BEE_MSG_NAMES)[number]): number {
    return this.sent.get(type) ?? 0;
  }

  // --- internals -------------------------------------------------------------------------------------------------

  private inTransit = 0;

  private envFor(i: number): BeeEnv {
    const e = this.engine;
    return {
      now: () => e.now,
      send: (from, to, msg, link) => {
        const conn = (link as Conn | undefined) ?? this.conns.get(this.key(from, to));
        const name = BEE_MSG_NAMES[msg.type];
        this.sent.set(name, (this.sent.get(name) ?? 0) + 1);
        if (this.logging) this.log.push({ time: e.now, from, to, msg });
        if (!conn || !conn.live) return;
        this.inTransit++;
        e.after(this.latency, this.K_DELIVER, from, to, conn.epoch, msg);
      },
      after: (delay, rec, token, arg = 0) => e.after(delay, this.K_TIMER, i, token, arg, rec),
      at: (time, rec, token, arg = 0) => e.at(time, this.K_TIMER, i, token, arg, rec),
      drop: (node, peer, reason) => {
        this.drops.push(`${node}->${peer}: ${reason}`);
        this.unlink(node, peer);
      },
      work: (_cost, rec, token, arg = 0) => void rec.fire(token, arg),
    };
  }

  private deliver(to: number, epoch: number, msg: BeeMessage): void {
    this.inTransit--;
    const conn = this.byEpoch.get(epoch);
    if (!conn) return;
    const from = conn.a === to ? conn.b : conn.a;
    const held = this.holding.get(to);
    if (held) {
      held.push([conn, from, msg]);
      return;
    }
    const c = deliveredChunk(msg);
    if (msg.type === BeeMsg.Delivery && c !== PLACEHOLDER) this.arrivals.push([to, c]);
    this.nodes[to]!.handle(conn.a === to ? conn.peerAtA! : conn.peerAtB!, msg);
  }

  private key(a: number, b: number): number {
    return Math.min(a, b) * 65536 + Math.max(a, b);
  }
}

/** The 256-bit PO of two test addresses that differ only in their first word (the rest is equal). */
function po256(a: number, b: number): number {
  const x = (a ^ b) >>> 0;
  return x === 0 ? 256 : Math.clz32(x);
}

export function beeNet(heads: readonly number[], setup?: BeeNetSetup): BeeNet {
  return new BeeNet(heads, setup);
}
