import type { Micros } from '../../core/units.js';
import type { WireMessage } from '../../protocol/api.js';
import { BeeMsg, type BeeMessage } from '../../protocol/bee/messages.js';
import { BeeState } from '../../protocol/bee/plugin.js';
import type { WorldObserver } from '../../sim/observer.js';
import { nodeChunkPO } from '../checker.js';
import { SEEN, type PairIndex } from '../pairs.js';
import type { Breaches, ChecksModule, RowSink } from '../properties.js';
import type { CheckWorld } from '../view.js';
import { HistoricalSync } from './hist-sync.js';
import { BEE_BINS, ReserveRule, type ReserveRuleParams } from './reserve-rule.js';

/** What Bee's properties need of the scenario: the reserve rule's settings and the out-of-radius bound. */
export interface BeeCheckParams extends ReserveRuleParams {
  /** out-of-radius deliveries tolerated; null: a metric only */
  maxOutOfRadius: number | null;
}

/** Removal causes that excuse a node from holding the chunk: faults sync cannot or need not undo. */
const EXCUSING = new Set(['removed', 'lost', 'expired']);

/**
 * Bee's properties (docs/bee.md, "Checker"), all from the world's reports, never the nodes' objects:
 * - responsibility by radius: each node's last announced radius (a `radius` state) is its threshold;
 * - stored twice: a chunk stored at a node whose reserve already lists it (same address, batch and stamp: one
 *   chunk id) is a `stored-twice` breach;
 * - the reserve rule (ReserveRule): every announced radius checked against the reserve the checker saw;
 * - out-of-radius deliveries (a chunk delivered to a node whose announced radius is above its PO to the chunk) and
 *   evictions are metrics; beyond `maxOutOfRadius` they are an `out-of-radius` breach;
 * - a chunk whose batch expired at a node is not expected there (the node refuses its stamp).
 */
class BeeChecks implements WorldObserver {
  readonly rule: ReserveRule;
  readonly hist: HistoricalSync;
  outOfRadius = 0;
  evicted = 0;
  /** per node, the batches it saw expire */
  private readonly expired = new Map<number, Set<number>>();

  constructor(
    private readonly world: CheckWorld,
    private readonly params: BeeCheckParams,
    private readonly pairs: PairIndex,
    private readonly breaches: Breaches,
  ) {
    const n = world.nodes.length;
    this.hist = new HistoricalSync(n, (node, chunk) => this.refuses(node, chunk));
    this.rule = new ReserveRule(n, params, breaches, (node, from, to) => this.hist.addedWithin(node, from, to));
  }

  refuses(node: number, chunk: number): boolean {
    return this.expired.get(node)?.has(this.world.batchOf(chunk)) ?? false;
  }

  stored(node: number, chunk: number, t: Micros): void {
    const v = this.pairs.ensure(node, chunk);
    if ((v & SEEN) !== 0) {
      this.breaches.add({ kind: 'stored-twice', node, chunk, at: t, detail: `stored again while the reserve lists it (batch ${this.world.batchOf(chunk)})` });
      return;
    }
    this.pairs.put(node, chunk, v | SEEN);
    this.rule.listed(node, this.bin(node, chunk));
  }

  removed(node: number, chunk: number, _t: Micros, cause?: string): void {
    if (cause === 'lost') return; // the data went; the index still lists it
    if (cause === 'evicted') this.evicted++;
    const v = this.pairs.get(node, chunk);
    if (v < 0 || (v & SEEN) === 0) return;
    this.pairs.put(node, chunk, v & ~SEEN);
    this.rule.unlisted(node, this.bin(node, chunk));
  }

  arrived(node: number, chunk: number, _from: number, stream: number, t: Micros): void {
    this.hist.arrived(node, chunk, stream);
    if (this.bin(node, chunk) >= this.rule.radius[node]!) return;
    const max = this.params.maxOutOfRadius;
    if (++this.outOfRadius === (max ?? -1) + 1) {
      this.breaches.add({ kind: 'out-of-radius', node, chunk, at: t, detail: `more than ${max} deliveries outside the receiver's radius (this one: PO ${this.bin(node, chunk)}, radius ${this.rule.radius[node]})` });
    }
  }

  sent(from: number, to: number, m: WireMessage, _bytes: number, t: Micros): void {
    this.hist.sent(from, to, m as BeeMessage, t);
  }

  stateChanged(node: number, name: string, value: number, cause: string, t: Micros): void {
    if (name === BeeState.radius) this.rule.announced(node, value, cause, t);
    else if (name === BeeState.expired) {
      let set = this.expired.get(node);
      if (!set) this.expired.set(node, (set = new Set()));
      set.add(value);
    }
  }

  private bin(node: number, chunk: number): number {
    return Math.min(nodeChunkPO(this.world, node, chunk), BEE_BINS - 1);
  }
}

/** The rows of the messages Bee's checks read (ops of this module: 32 and up). */
const Op = {
  /** from, to, t, 32 cursors */
  Ack: 32,
  /** from, to, t, stream, kind */
  Open: 33,
  /** from, to, t, stream, bin, start */
  Get: 34,
  /** from, to, t, stream, chunks wanted */
  Want: 35,
  /** from, to, t, stream, byOpener (0/1) */
  Reset: 36,
} as const;

function head(sink: RowSink, size: number, op: number, from: number, to: number, t: number, stream: number): number {
  const r = sink.reserve(size);
  const a = sink.rows();
  a[r] = op;
  a[r + 1] = from;
  a[r + 2] = to;
  a[r + 3] = t;
  a[r + 4] = stream;
  return r;
}

/** Bee's properties as a check module (check/properties.ts). */
export const checks: ChecksModule<BeeCheckParams> = {
  create({ world, params, pairs, breaches }) {
    const c = new BeeChecks(world, params, pairs, breaches);
    return {
      observers: [c],
      thresholds: () => Array.from(c.rule.radius),
      metrics: () => ({ outOfRadius: c.outOfRadius, evicted: c.evicted, radiusUp: c.rule.radiusUp, radiusDown: c.rule.radiusDown }),
      excuses: (cause) => EXCUSING.has(cause),
      excused: (node, chunk) => c.refuses(node, chunk),
    };
  },

  encode(sink: RowSink, from: number, to: number, wire: WireMessage, t: Micros): void {
    const m = wire as BeeMessage;
    switch (m.type) {
      case BeeMsg.Ack: {
        const r = head(sink, 4 + BEE_BINS, Op.Ack, from, to, t, 0);
        const a = sink.rows();
        for (let b = 0; b < BEE_BINS; b++) a[r + 4 + b] = m.cursors[b] ?? 0;
        return;
      }
      case BeeMsg.Open:
        sink.rows()[head(sink, 6, Op.Open, from, to, t, m.stream) + 5] = m.kind;
        return;
      case BeeMsg.Get: {
        const r = head(sink, 7, Op.Get, from, to, t, m.stream);
        sink.rows()[r + 5] = m.bin;
        sink.rows()[r + 6] = m.start;
        return;
      }
      case BeeMsg.Want: {
        let wanted = 0;
        for (const byte of m.bits) for (let b = byte; b !== 0; b &= b - 1) wanted++;
        sink.rows()[head(sink, 6, Op.Want, from, to, t, m.stream) + 5] = wanted;
        return;
      }
      case BeeMsg.Reset:
        sink.rows()[head(sink, 6, Op.Reset, from, to, t, m.stream) + 5] = m.byOpener ? 1 : 0;
        return;
    }
  },

  decode(rows: Float64Array, r: number, obs: readonly WorldObserver[]): number {
    const stream = rows[r + 4]!;
    let m: BeeMessage;
    let size = 6;
    switch (rows[r]) {
      case Op.Ack:
        m = { type: BeeMsg.Ack, stream: 0, cursors: Array.from(rows.subarray(r + 4, r + 4 + BEE_BINS)), epoch: 0 };
        size = 4 + BEE_BINS;
        break;
      case Op.Open:
        m = { type: BeeMsg.Open, stream, kind: rows[r + 5] as 0 | 1 };
        break;
      case Op.Get:
        m = { type: BeeMsg.Get, stream, bin: rows[r + 5]!, start: rows[r + 6]! };
        size = 7;
        break;
      case Op.Want: {
        // the count is what the checks read: a bit vector with that many bits set
        const wanted = rows[r + 5]!;
        const bits = new Uint8Array((wanted >> 3) + 1);
        for (let i = 0; i < wanted; i++) bits[i >> 3]! |= 1 << (i & 7);
        m = { type: BeeMsg.Want, stream, bits };
        break;
      }
      case Op.Reset:
        m = { type: BeeMsg.Reset, stream, byOpener: rows[r + 5] === 1 };
        break;
      default:
        throw new Error(`assertion failed: check row ${r} has unknown op ${rows[r]}`);
    }
    for (const o of obs) o.sent?.(rows[r + 1]!, rows[r + 2]!, m, 0, rows[r + 3]!);
    return size;
  },
};
