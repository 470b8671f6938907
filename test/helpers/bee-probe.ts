/**
 * One real BeeNode and hand-driven peers: the test plays a peer by handing the node messages and reads what
 * the node sent back, timers running through the Engine. For the server's and the client's rules in
 * isolation. The node's own puller waits for warm-up (1 h here unless asked otherwise) so it stays quiet.
 */
import { Engine } from '../../src/core/engine.js';
import { createRng } from '../../src/core/rng.js';
import { SECOND, type Micros } from '../../src/core/units.js';
import type { Timed } from '../../src/protocol/env.js';
import { BeeMsg, StreamKind, type BeeMessage, type Offer } from '../../src/protocol/bee/messages.js';
import { BeeNode } from '../../src/protocol/bee/node.js';
import { beeDefaults, type BeeOptions } from '../../src/protocol/bee/options.js';
import type { RadiusCause, RemoveCause } from '../../src/protocol/bee/observer.js';
import type { BeePeer } from '../../src/protocol/bee/peer.js';
import type { BeeChunks } from '../../src/protocol/bee/reserve.js';

export interface Reply {
  time: Micros;
  to: number;
  msg: BeeMessage;
}

export class BeeProbe {
  readonly engine = new Engine();
  readonly node: BeeNode;
  readonly chunks: BeeChunks & { batches: Int32Array } = { heads: new Uint32Array(1024), batches: new Int32Array(1024) };
  chunkCount = 0;
  /** everything the node sent, in order */
  readonly replies: Reply[] = [];
  /** radius changes: [radius, cause, time] */
  readonly radii: [number, RadiusCause, Micros][] = [];
  readonly removals: [number, RemoveCause][] = [];
  private readonly peers = new Map<number, BeePeer>();
  private stream = 1000;

  constructor(
    readonly head: number,
    opts: Partial<BeeOptions> = {},
  ) {
    const e = this.engine;
    const K_TIMER = e.register('timer', (_n, token, arg, rec) => void (rec as Timed).fire(token, arg));
    const env = {
      now: () => e.now,
      send: (_from: number, to: number, msg: BeeMessage) => void this.replies.push({ time: e.now, to, msg }),
      after: (delay: Micros, rec: Timed, token: number, arg = 0) => e.after(delay, K_TIMER, 0, token, arg, rec),
      at: (time: Micros, rec: Timed, token: number, arg = 0) => e.at(time, K_TIMER, 0, token, arg, rec),
      drop: () => undefined,
      work: (_cost: Micros, rec: Timed, token: number, arg = 0) => void rec.fire(token, arg),
    };
    const options = { ...beeDefaults(), warmupTime: 3600 * SECOND, ...opts };
    const observer = {
      stored: () => undefined,
      removed: (_n: number, chunk: number, cause: RemoveCause) => void this.removals.push([chunk, cause]),
      radius: (_n: number, r: number, t: Micros, cause: RadiusCause) => void this.radii.push([r, cause, t]),
    };
    this.node = new BeeNode(0, head >>> 0, this.chunks, options, env, createRng('probe'), observer);
    this.node.start();
  }

  /** A chunk at exactly PO `po` from the node, in `batch`. */
  chunkAt(po: number, batch = 0): number {
    const id = this.chunkCount++;
    const flipped = (this.head ^ (0x80000000 >>> po)) >>> 0;
    const lowMask = po >= 31 ? 0 : (0xffffffff >>> (po + 1)) >>> 0;
    this.chunks.heads[id] = ((flipped & ~lowMask) | (Math.imul(id + 1, 0x9e3779b1) & lowMask)) >>> 0;
    this.chunks.batches[id] = batch;
    return id;
  }

  /** `n` new chunks uploaded into bin `po`. */
  fill(po: number, n: number, batch = 0): number[] {
    return Array.from({ length: n }, () => {
      const c = this.chunkAt(po, batch);
      this.node.upload(c);
      return c;
    });
  }

  /** A fake peer at 256-bit PO `po256` from the node. */
  peer(id: number, po256 = 31): BeePeer {
    let p = this.peers.get(id);
    if (!p) this.peers.set(id, (p = this.node.connect(id, po256, po256, id, undefined)));
    return p;
  }

  /** The peer opens a pullsync stream and sends Get; returns the stream id. */
  get(peerId: number, bin: number, start: number): number {
    const peer = this.peer(peerId);
    const stream = ++this.stream;
    this.node.handle(peer, { type: BeeMsg.Open, stream, kind: StreamKind.Pullsync });
    this.node.handle(peer, { type: BeeMsg.Get, stream, bin, start });
    return stream;
  }

  want(peerId: number, stream: number, indexes: readonly number[], n: number): void {
    const bits = new Uint8Array((n >> 3) + 1);
    for (const i of indexes) bits[i >> 3]! |= 1 << (i & 7);
    this.node.handle(this.peer(peerId), { type: BeeMsg.Want, stream, bits });
  }

  /** The Offer sent on a stream, if any. */
  offer(stream: number): (Reply & { msg: Offer }) | undefined {
    return this.replies.find((r) => r.msg.type === BeeMsg.Offer && r.msg.stream === stream) as (Reply & { msg: Offer }) | undefined;
  }

  /** Replies of a type on a stream. */
  on(stream: number, type: BeeMessage['type']): Reply[] {
    return this.replies.filter((r) => r.msg.stream === stream && r.msg.type === type);
  }

  runFor(dt: Micros): void {
    const t = this.engine.now + dt;
    this.engine.run(t, 1_000_000);
    if (this.engine.now < t) this.engine.now = t;
  }
}
