import type { Int32Arena } from '../core/arena.js';
import { IntTable } from '../core/inttable.js';

/** Pair flags, in the low bits of a pair's value: the recorder's "held now" and the discipline's "stored before". */
export const HELD = 1;
export const SEEN = 2;

/**
 * The checkers' (node, chunk) pairs: one record number per pair a checker has seen, in one IntTable per node
 * (chunk -> record * 4 + flags). The recorder and the discipline checker share one index, each with its own flag
 * bit in the value (read with the key, no other memory touched) and its own columns by record (first-stored
 * times, first arrivals): a 10k-node run has tens of millions of pairs (docs/bench.md), and one table instead of
 * two saves about 10 bytes a pair. Both build it from the world's events only; neither reads the protocol's store.
 */
export class PairIndex {
  readonly tables: IntTable[];
  /** records handed out so far: record numbers are 0 .. records - 1 */
  records = 0;

  constructor(nodes: number, arena?: Int32Arena) {
    this.tables = Array.from({ length: nodes }, () => new IntTable(arena));
  }

  /** The pair's value (record * 4 + flags), or -1 when no checker has seen it. */
  get(node: number, chunk: number): number {
    return this.tables[node]!.get(chunk);
  }

  /** The pair's value, made when new with no flags (its record's columns then read their initial values). */
  ensure(node: number, chunk: number): number {
    const v = this.records * 4;
    if (!(v <= 0x7ffffffc)) throw new Error('assertion failed: more than 2^29 (node, chunk) pairs');
    const old = this.tables[node]!.add(chunk, v);
    if (old >= 0) return old;
    this.records++;
    return v;
  }

  /** Sets the flags of a pair `ensure` made: `value` is its value with the flags changed. */
  put(node: number, chunk: number, value: number): void {
    this.tables[node]!.set(chunk, value);
  }
}

/**
 * Virtual times (micros) by record in 4 bytes each: times below 2^32 - 2 (71 minutes) inline, later or
 * fractional ones in a map; -1 reads as none. Half a Float64Array's memory for the tens of millions of pairs a
 * 10k-node run records, exact for any time.
 */
export class TimeColumn {
  private readonly col = new Paged(Uint32Array, NONE);
  private readonly late = new Map<number, number>();

  get(r: number): number {
    const v = this.col.get(r);
    return v === NONE ? -1 : v === LATE ? this.late.get(r)! : v;
  }

  set(r: number, t: number): void {
    if (t >= 0 && t < LATE && Number.isInteger(t)) {
      this.col.set(r, t);
      this.late.delete(r);
    } else {
      this.col.set(r, LATE);
      this.late.set(r, t);
    }
  }
}

const NONE = 0xffffffff;
const LATE = 0xfffffffe;

type Column = Uint8Array | Uint32Array | Int32Array | Float64Array;

/**
 * A growable typed array in pages of 64k, so growing never copies (or briefly doubles) a huge array; an index
 * no page covers yet reads the initial value.
 */
export class Paged<T extends Column> {
  private readonly pages: T[] = [];
  constructor(
    private readonly make: new (length: number) => T,
    private readonly initial: number,
  ) {}

  get(i: number): number {
    const page = this.pages[i >>> PAGE_BITS];
    return page === undefined ? this.initial : page[i & PAGE_MASK]!;
  }

  set(i: number, v: number): void {
    const p = i >>> PAGE_BITS;
    while (p >= this.pages.length) {
      const page = new this.make(1 << PAGE_BITS);
      if (this.initial !== 0) page.fill(this.initial);
      this.pages.push(page);
    }
    this.pages[p]![i & PAGE_MASK] = v;
  }
}

const PAGE_BITS = 16;
const PAGE_MASK = (1 << PAGE_BITS) - 1;
