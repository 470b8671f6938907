import type { Micros } from '../../core/units.js';
import type { WireMessage } from '../../protocol/api.js';
import { MsgType, type Message } from '../../protocol/stream/messages.js';
import type { WorldObserver } from '../../sim/observer.js';
import type { ChecksModule, RowSink } from '../properties.js';
import { observedDepths } from '../verdict.js';
import { Discipline } from './discipline.js';

/** What stream!'s properties need of the scenario's protocol settings. */
export interface StreamCheckParams {
  neighbourhoodSize: number;
  onlyWithinDepth: boolean;
  batchSize: number;
}

/** The rows of the messages the discipline checker reads (ops of this module: 32 and up). */
const Op = {
  /** from, to, t, ruid, bin, rangeFrom, rangeTo, batchSize */
  GetRange: 32,
  /** from, to, t, ruid, lastIndex, count, hash x count */
  Offered: 33,
  /** from, to, t, ruid, lastIndex */
  BatchDone: 34,
  /** from, to, t, ruid, bin, live (0/1), code */
  StreamState: 35,
} as const;

/** Writes up to nine values at a fresh row of `size` doubles (fixed arity: no array per message); returns its index. */
function put(sink: RowSink, size: number, v0: number, v1: number, v2: number, v3: number, v4: number, v5 = 0, v6 = 0, v7 = 0, v8 = 0): number {
  const r = sink.reserve(size);
  const a = sink.rows();
  a[r] = v0;
  a[r + 1] = v1;
  a[r + 2] = v2;
  a[r + 3] = v3;
  a[r + 4] = v4;
  if (size > 5) a[r + 5] = v5;
  if (size > 6) a[r + 6] = v6;
  if (size > 7) a[r + 7] = v7;
  if (size > 8) a[r + 8] = v8;
  return r;
}

/**
 * stream!'s properties (PROTOCOL.md §10): exclusion (C3), range (C7) and offer (C6) by the discipline checker;
 * responsibility by Kademlia depth computed from the live links at the end (a node is responsible for a chunk at
 * PO >= its depth).
 */
export const checks: ChecksModule<StreamCheckParams> = {
  create({ world, params, pairs, breaches }) {
    const discipline = new Discipline(world, params.neighbourhoodSize, params.onlyWithinDepth, params.batchSize, pairs, breaches);
    return {
      observers: [discipline],
      thresholds: (w) => observedDepths(w, params.neighbourhoodSize),
      metrics: () => ({}),
    };
  },

  encode(sink: RowSink, from: number, to: number, wire: WireMessage, t: Micros): void {
    const m = wire as Message;
    switch (m.type) {
      case MsgType.GetRange:
        put(sink, 9, Op.GetRange, from, to, t, m.ruid, m.bin, m.from, m.to, m.batchSize);
        return;
      case MsgType.OfferedHashes: {
        const hs = m.hashes;
        const r = put(sink, 7 + hs.length, Op.Offered, from, to, t, m.ruid, m.lastIndex, hs.length);
        const rows = sink.rows();
        for (let i = 0; i < hs.length; i++) rows[r + 7 + i] = hs[i]!;
        return;
      }
      case MsgType.BatchDone:
        put(sink, 6, Op.BatchDone, from, to, t, m.ruid, m.lastIndex);
        return;
      case MsgType.StreamState:
        put(sink, 8, Op.StreamState, from, to, t, m.ruid, m.bin, m.live ? 1 : 0, m.code);
        return;
    }
  },

  decode(rows: Float64Array, r: number, obs: readonly WorldObserver[]): number {
    let m: Message;
    let size: number;
    switch (rows[r]) {
      case Op.GetRange:
        m = { type: MsgType.GetRange, ruid: rows[r + 4]!, bin: rows[r + 5]!, from: rows[r + 6]!, to: rows[r + 7]!, batchSize: rows[r + 8]! };
        size = 9;
        break;
      case Op.Offered: {
        const count = rows[r + 6]!;
        m = { type: MsgType.OfferedHashes, ruid: rows[r + 4]!, lastIndex: rows[r + 5]!, hashes: Array.from(rows.subarray(r + 7, r + 7 + count)) };
        size = 7 + count;
        break;
      }
      case Op.BatchDone:
        m = { type: MsgType.BatchDone, ruid: rows[r + 4]!, lastIndex: rows[r + 5]! };
        size = 6;
        break;
      case Op.StreamState:
        m = { type: MsgType.StreamState, ruid: rows[r + 4]!, bin: rows[r + 5]!, live: rows[r + 6] === 1, code: rows[r + 7]! };
        size = 8;
        break;
      default:
        throw new Error(`assertion failed: check row ${r} has unknown op ${rows[r]}`);
    }
    for (const o of obs) o.sent?.(rows[r + 1]!, rows[r + 2]!, m, 0, rows[r + 3]!);
    return size;
  },
};
