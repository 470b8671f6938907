import type { Micros } from '../core/units.js';
import { MsgType, type Message } from '../protocol/stream/messages.js';
import { WORDS, type AddressTable } from '../topology/address.js';
import type { WorldObserver } from '../sim/observer.js';

/**
 * The world's events as the checkers observe them, written as rows of numbers into blocks (Float64Array) that
 * a check thread replays in order (check/thread.ts). Only what the recorder and the discipline checker read
 * is written: stores, removals, uploads, arrivals, the requests and answers of ranges, connections.
 */
export const Op = {
  /** id, 8 address words: a chunk's address, before its first use */
  Chunk: 1,
  /** node, chunk, t */
  Uploaded: 2,
  Stored: 3,
  Removed: 4,
  /** node, from, ruid, t, count, chunk x count: the chunks of one ChunkDelivery */
  Arrived: 5,
  /** from, to, t, ruid, bin, rangeFrom, rangeTo, batchSize */
  GetRange: 6,
  /** from, to, t, ruid, lastIndex, count, hash x count */
  Offered: 7,
  /** from, to, t, ruid, lastIndex */
  BatchDone: 8,
  /** from, to, t, ruid, bin, live (0/1), code */
  StreamState: 9,
  /** a, b, t */
  Connected: 10,
  /** a, b, t, reason (index into the reasons sent so far) */
  Disconnected: 11,
  /** node, chunk: a removal the scenario expects sync to undo */
  ExpectBack: 12,
  /** length, UTF-16 code units x length: the next disconnect reason (numbered from 0 in order) */
  Reason: 13,
} as const;

/** doubles per block (512 KiB); no row is longer (an offer has at most a batch of 4096 hashes, plus one) */
export const BLOCK = 1 << 16;

/** Where blocks go. */
export interface BlockSink {
  /** the block to write on first */
  first(): Float64Array;
  /** takes a block with `length` doubles written and returns the block to write on next */
  block(rows: Float64Array, length: number): Float64Array;
}

/**
 * Writes the world's events as rows (it is a WorldObserver); `flush` hands the partial block on. A row never
 * straddles two blocks.
 */
export class RowWriter implements WorldObserver {
  private rows: Float64Array;
  private n = 0;
  private chunksSent = 0;
  private readonly reasons = new Map<string, number>();

  constructor(
    private readonly chunks: AddressTable,
    private readonly sink: BlockSink,
  ) {
    this.rows = sink.first();
  }

  uploaded(node: number, chunk: number, t: Micros): void {
    this.row3(Op.Uploaded, node, chunk, t);
  }

  stored(node: number, chunk: number, t: Micros): void {
    this.row3(Op.Stored, node, chunk, t);
  }

  removed(node: number, chunk: number, t: Micros): void {
    this.row3(Op.Removed, node, chunk, t);
  }

  expectBack(node: number, chunk: number): void {
    this.row3(Op.ExpectBack, node, chunk, 0);
  }

  arrived(node: number, chunk: number, from: number, ruid: number, t: Micros, index: number): void {
    this.put(this.reserve(7), Op.Arrived, node, chunk, from, ruid, t, index);
  }

  sent(from: number, to: number, m: Message, _bytes: number, t: Micros): void {
    switch (m.type) {
      case MsgType.GetRange:
        this.put(this.reserve(9), Op.GetRange, from, to, t, m.ruid, m.bin, m.from, m.to, m.batchSize);
        return;
      case MsgType.OfferedHashes: {
        const hs = m.hashes;
        const r = this.reserve(7 + hs.length);
        this.put(r, Op.Offered, from, to, t, m.ruid, m.lastIndex, hs.length);
        const rows = this.rows;
        for (let i = 0; i < hs.length; i++) rows[r + 7 + i] = hs[i]!;
        return;
      }
      case MsgType.BatchDone:
        this.put(this.reserve(6), Op.BatchDone, from, to, t, m.ruid, m.lastIndex);
        return;
      case MsgType.StreamState:
        this.put(this.reserve(8), Op.StreamState, from, to, t, m.ruid, m.bin, m.live ? 1 : 0, m.code);
        return;
    }
  }

  connected(a: number, b: number, t: Micros): void {
    this.row3(Op.Connected, a, b, t);
  }

  disconnected(a: number, b: number, reason: string, t: Micros): void {
    let id = this.reasons.get(reason);
    if (id === undefined) {
      this.reasons.set(reason, (id = this.reasons.size));
      const r = this.reserve(2 + reason.length);
      this.rows[r] = Op.Reason;
      this.rows[r + 1] = reason.length;
      for (let i = 0; i < reason.length; i++) this.rows[r + 2 + i] = reason.charCodeAt(i);
    }
    this.put(this.reserve(5), Op.Disconnected, a, b, t, id);
  }

  /** Hands the rows written so far on. */
  flush(): void {
    if (this.n === 0) return;
    this.rows = this.sink.block(this.rows, this.n);
    this.n = 0;
  }

  private row3(op: number, x: number, chunkOrB: number, t: Micros): void {
    if ((op === Op.Uploaded || op === Op.Stored) && chunkOrB >= this.chunksSent) this.sendChunks(chunkOrB);
    this.put(this.reserve(4), op, x, chunkOrB, t);
  }

  /** Up to nine values from row index r, just reserved (a fixed-arity call: no array per row). */
  private put(r: number, v0: number, v1: number, v2: number, v3: number, v4 = 0, v5 = 0, v6 = 0, v7 = 0, v8 = 0): void {
    const a = this.rows;
    a[r] = v0;
    a[r + 1] = v1;
    a[r + 2] = v2;
    a[r + 3] = v3;
    // rows are reserved to their exact size: write only what the row holds
    const end = Math.min(this.n, r + 9);
    if (r + 4 < end) a[r + 4] = v4;
    if (r + 5 < end) a[r + 5] = v5;
    if (r + 6 < end) a[r + 6] = v6;
    if (r + 7 < end) a[r + 7] = v7;
    if (r + 8 < end) a[r + 8] = v8;
  }

  /** The addresses of every chunk up to `upTo` not sent yet. */
  private sendChunks(upTo: number): void {
    const w = this.chunks.words;
    for (let c = this.chunksSent; c <= upTo; c++) {
      const r = this.reserve(2 + WORDS);
      this.rows[r] = Op.Chunk;
      this.rows[r + 1] = c;
      for (let k = 0; k < WORDS; k++) this.rows[r + 2 + k] = w[c * WORDS + k]!;
    }
    this.chunksSent = upTo + 1;
  }

  /** The index of `size` free doubles in the current block (a fresh block when they do not fit). */
  private reserve(size: number): number {
    if (this.n + size > this.rows.length) {
      if (size > BLOCK) throw new Error(`assertion failed: a check row of ${size} doubles (at most ${BLOCK})`);
      this.flush();
    }
    const r = this.n;
    this.n += size;
    return r;
  }
}

/** Receives replayed events: the checkers, and the chunk addresses and removals the thread's world keeps. */
export interface RowTarget {
  observers: WorldObserver[];
  chunk(id: number, words: Float64Array, at: number): void;
  expectBack(node: number, chunk: number): void;
}

/**
 * Replays rows written by RowWriter, in order, as the same observer calls (messages rebuilt as objects); the
 * disconnect reasons met are appended to `reasons`.
 */
export function replay(rows: Float64Array, length: number, reasons: string[], target: RowTarget): void {
  const obs = target.observers;
  let r = 0;
  while (r < length) {
    const op = rows[r]!;
    switch (op) {
      case Op.Chunk:
        target.chunk(rows[r + 1]!, rows, r + 2);
        r += 2 + WORDS;
        break;
      case Op.Uploaded:
      case Op.Stored:
      case Op.Removed: {
        const node = rows[r + 1]!;
        const chunk = rows[r + 2]!;
        const t = rows[r + 3]!;
        for (const o of obs) {
          if (op === Op.Uploaded) o.uploaded?.(node, chunk, t);
          else if (op === Op.Stored) o.stored?.(node, chunk, t);
          else o.removed?.(node, chunk, t);
        }
        r += 4;
        break;
      }
      case Op.ExpectBack:
        target.expectBack(rows[r + 1]!, rows[r + 2]!);
        r += 4;
        break;
      case Op.Arrived:
        for (const o of obs) o.arrived?.(rows[r + 1]!, rows[r + 2]!, rows[r + 3]!, rows[r + 4]!, rows[r + 5]!, rows[r + 6]!);
        r += 7;
        break;
      case Op.GetRange: {
        const m: Message = { type: MsgType.GetRange, ruid: rows[r + 4]!, bin: rows[r + 5]!, from: rows[r + 6]!, to: rows[r + 7]!, batchSize: rows[r + 8]! };
        for (const o of obs) o.sent?.(rows[r + 1]!, rows[r + 2]!, m, 0, rows[r + 3]!);
        r += 9;
        break;
      }
      case Op.Offered: {
        const count = rows[r + 6]!;
        const hashes = Array.from(rows.subarray(r + 7, r + 7 + count));
        const m: Message = { type: MsgType.OfferedHashes, ruid: rows[r + 4]!, lastIndex: rows[r + 5]!, hashes };
        for (const o of obs) o.sent?.(rows[r + 1]!, rows[r + 2]!, m, 0, rows[r + 3]!);
        r += 7 + count;
        break;
      }
      case Op.BatchDone: {
        const m: Message = { type: MsgType.BatchDone, ruid: rows[r + 4]!, lastIndex: rows[r + 5]! };
        for (const o of obs) o.sent?.(rows[r + 1]!, rows[r + 2]!, m, 0, rows[r + 3]!);
        r += 6;
        break;
      }
      case Op.StreamState: {
        const m: Message = { type: MsgType.StreamState, ruid: rows[r + 4]!, bin: rows[r + 5]!, live: rows[r + 6] === 1, code: rows[r + 7]! };
        for (const o of obs) o.sent?.(rows[r + 1]!, rows[r + 2]!, m, 0, rows[r + 3]!);
        r += 8;
        break;
      }
      case Op.Connected:
        for (const o of obs) o.connected?.(rows[r + 1]!, rows[r + 2]!, rows[r + 3]!);
        r += 4;
        break;
      case Op.Disconnected:
        for (const o of obs) o.disconnected?.(rows[r + 1]!, rows[r + 2]!, reasons[rows[r + 4]!]!, rows[r + 3]!);
        r += 5;
        break;
      case Op.Reason: {
        const len = rows[r + 1]!;
        let text = '';
        for (let i = 0; i < len; i++) text += String.fromCharCode(rows[r + 2 + i]!);
        reasons.push(text);
        r += 2 + len;
        break;
      }
      default:
        throw new Error(`assertion failed: check row ${r} has unknown op ${op}`);
    }
  }
}
