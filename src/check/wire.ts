import type { Micros } from '../core/units.js';
import type { WireMessage } from '../protocol/api.js';
import { WORDS, type AddressTable } from '../topology/address.js';
import type { WorldObserver } from '../sim/observer.js';
import type { ChecksModule, RowSink } from './properties.js';

/**
 * The world's events as the checkers observe them, written as rows of numbers into blocks (Float64Array) that
 * a check thread replays in order (check/thread.ts). Only what the checkers read is written: stores, removals,
 * uploads, arrivals, connections, announced states; a protocol's check module writes the rows of the messages its
 * own properties read (ops 32 and up).
 */
export const Op = {
  /** id, batch, 8 address words: a chunk's address and postage batch, before its first use */
  Chunk: 1,
  /** node, chunk, t */
  Uploaded: 2,
  Stored: 3,
  /** node, chunk, t, cause (a text number, -1: none) */
  Removed: 4,
  /** node, from, ruid, t, count, chunk x count: the chunks of one ChunkDelivery */
  Arrived: 5,
  /** a, b, t */
  Connected: 10,
  /** a, b, t, reason (index into the reasons sent so far) */
  Disconnected: 11,
  /** node, chunk: a removal the scenario expects sync to undo */
  ExpectBack: 12,
  /** length, UTF-16 code units x length: the next text (a disconnect reason, a state's name or cause), numbered from 0 */
  Reason: 13,
  /** node, t, name (text number), value, cause (text number) */
  State: 14,
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
export class RowWriter implements WorldObserver, RowSink {
  private block: Float64Array;
  private n = 0;
  private chunksSent = 0;
  private readonly texts = new Map<string, number>();

  constructor(
    private readonly chunks: AddressTable,
    /** each chunk's postage batch */
    private readonly batchOf: (chunk: number) => number,
    private readonly sink: BlockSink,
    /** the protocol's check module: it writes the rows of the messages its properties read */
    private readonly module: ChecksModule,
  ) {
    this.block = sink.first();
  }

  rows(): Float64Array {
    return this.block;
  }

  uploaded(node: number, chunk: number, t: Micros): void {
    this.row3(Op.Uploaded, node, chunk, t);
  }

  stored(node: number, chunk: number, t: Micros): void {
    this.row3(Op.Stored, node, chunk, t);
  }

  removed(node: number, chunk: number, t: Micros, cause?: string): void {
    const c = cause === undefined ? -1 : this.text(cause);
    this.put(this.reserve(5), Op.Removed, node, chunk, t, c);
  }

  expectBack(node: number, chunk: number): void {
    this.row3(Op.ExpectBack, node, chunk, 0);
  }

  arrived(node: number, chunk: number, from: number, ruid: number, t: Micros, index: number): void {
    this.put(this.reserve(7), Op.Arrived, node, chunk, from, ruid, t, index);
  }

  sent(from: number, to: number, m: WireMessage, _bytes: number, t: Micros): void {
    this.module.encode(this, from, to, m, t);
  }

  stateChanged(node: number, name: string, value: number, cause: string, t: Micros): void {
    // the texts' rows first: a row is reserved only once its values are known (reserving may start a new block)
    const n = this.text(name);
    const c = this.text(cause);
    this.put(this.reserve(6), Op.State, node, t, n, value, c);
  }

  connected(a: number, b: number, t: Micros): void {
    this.row3(Op.Connected, a, b, t);
  }

  disconnected(a: number, b: number, reason: string, t: Micros): void {
    const r = this.text(reason);
    this.put(this.reserve(5), Op.Disconnected, a, b, t, r);
  }

  /** A text's number: written as a Reason row the first time it is met. */
  private text(s: string): number {
    let id = this.texts.get(s);
    if (id === undefined) {
      this.texts.set(s, (id = this.texts.size));
      const r = this.reserve(2 + s.length);
      this.block[r] = Op.Reason;
      this.block[r + 1] = s.length;
      for (let i = 0; i < s.length; i++) this.block[r + 2 + i] = s.charCodeAt(i);
    }
    return id;
  }

  /** Hands the rows written so far on. */
  flush(): void {
    if (this.n === 0) return;
    this.block = this.sink.block(this.block, this.n);
    this.n = 0;
  }

  private row3(op: number, x: number, chunkOrB: number, t: Micros): void {
    if ((op === Op.Uploaded || op === Op.Stored) && chunkOrB >= this.chunksSent) this.sendChunks(chunkOrB);
    this.put(this.reserve(4), op, x, chunkOrB, t);
  }

  /** Up to nine values from row index r, just reserved (a fixed-arity call: no array per row). */
  private put(r: number, v0: number, v1: number, v2: number, v3: number, v4 = 0, v5 = 0, v6 = 0, v7 = 0, v8 = 0): void {
    const a = this.block;
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
      const r = this.reserve(3 + WORDS);
      this.block[r] = Op.Chunk;
      this.block[r + 1] = c;
      this.block[r + 2] = this.batchOf(c);
      for (let k = 0; k < WORDS; k++) this.block[r + 3 + k] = w[c * WORDS + k]!;
    }
    this.chunksSent = upTo + 1;
  }

  /** The index of `size` free doubles in the current block (a fresh block when they do not fit). */
  reserve(size: number): number {
    if (this.n + size > this.block.length) {
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
  /** the protocol's check module: its rows go back through it */
  module: ChecksModule;
  chunk(id: number, batch: number, words: Float64Array, at: number): void;
  expectBack(node: number, chunk: number): void;
}

/**
 * Replays rows written by RowWriter, in order, as the same observer calls (messages rebuilt as objects); the
 * texts met (disconnect reasons, state names and causes) are appended to `texts`.
 */
export function replay(rows: Float64Array, length: number, texts: string[], target: RowTarget): void {
  const obs = target.observers;
  let r = 0;
  while (r < length) {
    const op = rows[r]!;
    switch (op) {
      case Op.Chunk:
        target.chunk(rows[r + 1]!, rows[r + 2]!, rows, r + 3);
        r += 3 + WORDS;
        break;
      case Op.Uploaded:
      case Op.Stored: {
        const node = rows[r + 1]!;
        const chunk = rows[r + 2]!;
        const t = rows[r + 3]!;
        for (const o of obs) {
          if (op === Op.Uploaded) o.uploaded?.(node, chunk, t);
          else o.stored?.(node, chunk, t);
        }
        r += 4;
        break;
      }
      case Op.Removed: {
        const c = rows[r + 4]!;
        const cause = c < 0 ? undefined : texts[c]!;
        for (const o of obs) o.removed?.(rows[r + 1]!, rows[r + 2]!, rows[r + 3]!, cause);
        r += 5;
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
      case Op.Connected:
        for (const o of obs) o.connected?.(rows[r + 1]!, rows[r + 2]!, rows[r + 3]!);
        r += 4;
        break;
      case Op.Disconnected:
        for (const o of obs) o.disconnected?.(rows[r + 1]!, rows[r + 2]!, texts[rows[r + 4]!]!, rows[r + 3]!);
        r += 5;
        break;
      case Op.Reason: {
        const len = rows[r + 1]!;
        let text = '';
        for (let i = 0; i < len; i++) text += String.fromCharCode(rows[r + 2 + i]!);
        texts.push(text);
        r += 2 + len;
        break;
      }
      case Op.State:
        for (const o of obs) o.stateChanged?.(rows[r + 1]!, texts[rows[r + 3]!]!, rows[r + 4]!, texts[rows[r + 5]!]!, rows[r + 2]!);
        r += 6;
        break;
      default:
        r += target.module.decode(rows, r, obs);
    }
  }
}
