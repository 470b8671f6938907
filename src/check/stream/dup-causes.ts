import type { Micros } from '../../core/units.js';
import { MsgType, type Message } from '../../protocol/stream/messages.js';
import type { WorldObserver } from '../../sim/observer.js';
import { WantBook, type FirstCopy, type Want } from './want-book.js';

/**
 * Why a chunk reached a node twice, from what the wire showed:
 * - race: two peers offered it and the node wanted it from both before either copy arrived (PROTOCOL.md §7:
 *   NeedData is checked at offer time only);
 * - overlap: one peer offered it in two ranges (two ruids), both wanted before the first copy arrived;
 * - held: the node wanted it again after the first copy had arrived and been stored;
 * - message: two copies in one ChunkDelivery.
 */
export type Cause = 'race' | 'overlap' | 'held' | 'message';
export const CAUSES: Cause[] = ['race', 'overlap', 'held', 'message'];

/** One copy as the wire showed it: who sent it, for which offer (ruid), when offered, wanted and arrived (-1: not seen). */
export type Copy = FirstCopy;

/** A duplicate described: the node, the chunk, why, and its two copies. */
export interface Described {
  node: number;
  chunk: number;
  cause: Cause;
  first: Copy;
  second: Copy;
}

export interface DuplicateCausesJson {
  /** duplicates explained, by cause */
  causes: Record<Cause, number>;
  /** (first sender, second sender) pairs, most duplicates first; `counts` by cause */
  pairs: { first: number; second: number; count: number; counts: Partial<Record<Cause, number>> }[];
  /** the first few duplicates of each cause, described */
  examples: (Omit<Described, 'chunk'> & { chunk: string })[];
  /** chunks that arrived with no want for them from that sender outstanding */
  unsolicited: number;
  /** wants not tracked once the book was full (their duplicates stay unexplained) */
  untracked: number;
}

/** Examples kept per cause, and sender pairs listed. */
const EXAMPLES = 5;
const PAIRS = 50;

/**
 * Explains duplicates from the wire: it maps each WantedHashes back to the offer's hashes (OfferedHashes by ruid)
 * and keeps the wants outstanding until their chunks arrive (WantBook); a want made while another for the same
 * (node, chunk) is outstanding, or after a copy arrived, makes the later copy a duplicate of known cause.
 * Duplicates it cannot explain (the checker counts them all) are wants that did not overlap on the wire.
 * Memory: open offers and outstanding wants only (bounded by what is in flight, and capped).
 */
export class DuplicateCauses implements WorldObserver {
  private readonly book: WantBook;
  private readonly causes: Record<Cause, number> = { race: 0, overlap: 0, held: 0, message: 0 };
  private readonly pairs = new Map<number, Record<Cause, number> & { count: number }>();
  private readonly examples: Described[] = [];
  private unsolicited = 0;
  /** the chunks of the ChunkDelivery being reported */
  private readonly inMessage: number[] = [];

  constructor(
    private readonly n: number,
    /** the client's batch timeout: a want older than this is no longer outstanding */
    timeout: Micros,
    maxWants = 2_000_000,
  ) {
    this.book = new WantBook(n, timeout, maxWants);
  }

  sent(from: number, to: number, m: Message, _bytes: number, t: Micros): void {
    if (m.type === MsgType.OfferedHashes) this.book.offered(to, from, m.ruid, m.hashes, t);
    else if (m.type === MsgType.WantedHashes) {
      const offer = this.book.answered(from, to, m.ruid);
      if (offer) this.book.want(from, to, m.ruid, offer, m.bits, t);
    }
  }

  disconnected(a: number, b: number): void {
    this.book.forget(a, b);
  }

  arrived(node: number, chunk: number, from: number, ruid: number, t: Micros, index: number): void {
    if (index === 0) this.inMessage.length = 0;
    else if (this.inMessage.includes(chunk)) {
      const copy = { from, ruid, offeredAt: -1, wantedAt: -1, at: t };
      this.count(node, chunk, 'message', copy, from, () => copy);
      return;
    }
    this.inMessage.push(chunk);
    const want = this.book.arrived(node, chunk, from, ruid, t);
    const first = this.book.first;
    if (want === undefined) this.unsolicited++;
    else if (first) this.count(node, chunk, causeOf(first, want), first, from, () => copyOf(want, t));
  }

  stored(node: number, chunk: number): void {
    this.book.stored(node, chunk);
  }

  toJSON(hexChunk: (c: number) => string): DuplicateCausesJson {
    const pairs = [...this.pairs]
      .sort((a, b) => b[1].count - a[1].count || a[0] - b[0])
      .slice(0, PAIRS)
      .map(([k, v]) => {
        const counts: Partial<Record<Cause, number>> = {};
        for (const c of CAUSES) if (v[c] > 0) counts[c] = v[c];
        return { first: Math.floor(k / this.n), second: k % this.n, count: v.count, counts };
      });
    const examples = this.examples.map((d) => ({ ...d, chunk: hexChunk(d.chunk) }));
    return { causes: { ...this.causes }, pairs, examples, unsolicited: this.unsolicited, untracked: this.book.untracked };
  }

  /** A duplicate of `cause` (its second copy from `from`), described only while its cause has examples to keep. */
  private count(node: number, chunk: number, cause: Cause, first: Copy, from: number, second: () => Copy): void {
    this.causes[cause]++;
    const key = first.from * this.n + from;
    let p = this.pairs.get(key);
    if (!p) this.pairs.set(key, (p = { count: 0, race: 0, overlap: 0, held: 0, message: 0 }));
    p.count++;
    p[cause]++;
    if (this.causes[cause] <= EXAMPLES) this.examples.push({ node, chunk, cause, first, second: second() });
  }
}

function copyOf(w: Want, at: Micros): Copy {
  return { from: w.server, ruid: w.ruid, offeredAt: w.offeredAt, wantedAt: w.wantedAt, at };
}

/** Why the copy of `want` came although `first` had arrived and was stored. */
function causeOf(first: Copy, want: Want): Cause {
  if (want.wantedAt > first.at) return 'held';
  return want.server === first.from ? 'overlap' : 'race';
}
