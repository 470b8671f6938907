import { BitSet } from '../../core/bitset.js';
import { Int32List } from '../../core/int32list.js';
import { SECOND, type Micros } from '../../core/units.js';
import type { ChunkHeads } from '../chunks.js';
import { BINS, proximity } from './bins.js';
import type { BeeObserver, RemoveCause } from './observer.js';

/**
 * The chunks of a Bee network: ChunkHeads (first address word per chunk id) plus each chunk's postage batch.
 * A chunk id stands for one stamped chunk, so (address, batch, stamp hash) is the chunk id (docs/bee.md).
 */
export interface BeeChunks extends ChunkHeads {
  /** batch id per chunk id; absent (or shorter) means batch 0 */
  batches?: Int32Array;
}

/** Bee's epoch is the reserve's creation time in Unix seconds; virtual time 0 is this instant. */
export const EPOCH_BASE = 1_700_000_000;

export function epochAt(now: Micros): number {
  return EPOCH_BASE + Math.floor(now / SECOND);
}

/**
 * A node's reserve (pkg/storer/internal/reserve/reserve.go): 32 bins by PO to the node, bin IDs from 1 per
 * bin (`IncBinID`; the counter is what `LastBinIDs` reports), the radius, the epoch (`EpochItem`), and the
 * index a chunk is found by. A removed chunk leaves a gap; its ID is never reused. A chunk whose data is lost
 * stays in the index (offered, `Has` true) but cannot be read (`Get` fails).
 */
export class Reserve {
  private readonly bins: Int32List[];
  private readonly held: BitSet;
  /** chunks per bin (index entries): countWithinRadius without a scan */
  private readonly binCount = new Int32Array(BINS);
  private lost: Set<number> | undefined;
  size = 0;
  radius = 0;

  constructor(
    readonly node: number,
    readonly head: number,
    private readonly chunks: BeeChunks,
    private readonly observer: BeeObserver | undefined,
    public epoch: number,
  ) {
    this.bins = Array.from({ length: BINS }, () => new Int32List(chunks.arena));
    this.held = new BitSet(chunks.arena);
  }

  binOf(chunk: number): number {
    return proximity(this.head, this.chunks.heads[chunk]!);
  }

  batchOf(chunk: number): number {
    return this.chunks.batches?.[chunk] ?? 0;
  }

  /** ReserveHas: the index lists the chunk (its data may be lost). */
  has(chunk: number): boolean {
    return this.held.has(chunk);
  }

  /** ReserveGet succeeds: listed and its data is there. */
  readable(chunk: number): boolean {
    return this.held.has(chunk) && !this.lost?.has(chunk);
  }

  /** IsWithinStorageRadius */
  withinRadius(chunk: number): boolean {
    return this.binOf(chunk) >= this.radius;
  }

  /** Put: a new bin ID, or 0 when the chunk is already listed (Bee's Put returns early on Has). */
  put(chunk: number): number {
    if (!this.held.add(chunk)) return 0;
    const bin = this.binOf(chunk);
    const b = this.bins[bin]!;
    b.push(chunk);
    this.binCount[bin]!++;
    this.size++;
    this.observer?.stored(this.node, chunk, bin, b.length);
    return b.length;
  }

  /** Removes a chunk's index entry and data; its bin ID stays used. False when it was not listed. */
  remove(chunk: number, cause: RemoveCause): boolean {
    if (!this.held.has(chunk)) return false;
    const b = this.bins[this.binOf(chunk)]!;
    const at = b.indexOf(chunk, 0, b.length - 1);
    if (at < 0) throw new Error(`assertion failed: node ${this.node} lists chunk ${chunk} but not in its bin`);
    this.drop(b, at, chunk, cause);
    return true;
  }

  /** The chunk's data is gone while its index entry stays (a reserve in the state issue 4337 describes). */
  lose(chunk: number): boolean {
    if (!this.readable(chunk)) return false;
    (this.lost ??= new Set()).add(chunk);
    this.observer?.removed(this.node, chunk, 'lost');
    return true;
  }

  /** The chunk at a bin ID, or -1 for a gap or an ID not yet assigned. */
  at(bin: number, id: number): number {
    const b = this.bins[bin]!;
    return id >= 1 && id <= b.length ? b.get(id - 1) : -1;
  }

  /** The last bin ID assigned in a bin (BinItem), 0 if none. */
  lastId(bin: number): number {
    return this.bins[bin]!.length;
  }

  /** LastBinIDs: every bin's counter. */
  lastBinIds(): number[] {
    return this.bins.map((b) => b.length);
  }

  /** countWithinRadius: index entries in bins >= radius. */
  countWithinRadius(): number {
    let n = 0;
    for (let bin = this.radius; bin < BINS; bin++) n += this.binCount[bin]!;
    return n;
  }

  /** Distinct batches with chunks in bins below `upToBin`, ascending (the batchstore's iteration order). */
  batchesBelow(upToBin: number): number[] {
    const seen = new Set<number>();
    for (let bin = 0; bin < upToBin; bin++) {
      const b = this.bins[bin]!;
      for (let i = 0; i < b.length; i++) if (b.get(i) >= 0) seen.add(this.batchOf(b.get(i)));
    }
    return [...seen].sort((x, y) => x - y);
  }

  /**
   * EvictBatchBin: removes up to `count` chunks of `batch` from bins below `upToBin`, in the order of Bee's
   * BatchRadiusItem keys (batch, bin, address): bin ascending, then address (first word, then chunk id).
   */
  evictBatchBin(batch: number, count: number, upToBin: number, cause: RemoveCause = 'evicted'): number {
    let evicted = 0;
    const heads = this.chunks.heads;
    for (let bin = 0; bin < upToBin && evicted < count; bin++) {
      const b = this.bins[bin]!;
      const slots: number[] = [];
      for (let i = 0; i < b.length; i++) {
        const c = b.get(i);
        if (c >= 0 && this.batchOf(c) === batch) slots.push(i);
      }
      slots.sort((x, y) => heads[b.get(x)]! - heads[b.get(y)]! || b.get(x) - b.get(y));
      for (const i of slots) {
        if (evicted === count) break;
        this.drop(b, i, b.get(i), cause);
        evicted++;
      }
    }
    return evicted;
  }

  /** A wipe (db nuke): every chunk goes, bin IDs restart at 1, a new epoch, the stored radius is gone. */
  wipe(now: Micros): void {
    for (const b of this.bins) for (let i = 0; i < b.length; i++) if (b.get(i) >= 0) this.drop(b, i, b.get(i), 'wiped');
    // every bit of `held` is clear again; the bins keep their blocks and start over
    for (const b of this.bins) b.length = 0;
    this.lost = undefined;
    this.epoch = epochAt(now);
    this.radius = 0;
  }

  private drop(b: Int32List, at: number, chunk: number, cause: RemoveCause): void {
    b.set(at, -1);
    this.held.delete(chunk);
    this.binCount[this.binOf(chunk)]!--;
    this.size--;
    // a lost chunk was reported gone from the store ('lost'); now its index entry goes too
    this.lost?.delete(chunk);
    this.observer?.removed(this.node, chunk, cause);
  }
}
