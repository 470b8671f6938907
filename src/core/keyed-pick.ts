import { compareKeys, type Key, type Keyed } from './keyed.js';

/** Points per member on the ring: the shares of the ring then vary by about 1/sqrt(64) = 12.5% around 1/n. */
export const POINTS = 64;
const RANK_SLOTS = 2 ** 21;

/**
 * A random pick among members (nodes) that does not move when another member goes: consistent hashing. Each member
 * owns POINTS points on a 32-bit ring at keyed positions of (its key, point number); a pick draws a keyed point for
 * (key, ordinal) and takes the first eligible member at or clockwise after it. Removing a member moves only the
 * picks that landed on it (to the next eligible member clockwise); a member that is not eligible is passed over the
 * same way. Every member's expected share is 1/n; for one seed it varies around that by about 12.5% (the ring's
 * arcs), far less than the spread of a few thousand uniform picks among hundreds of nodes. A pick costs a binary
 * search over n * POINTS positions (built once), where "the member with the smallest keyed hash" would cost n.
 */
export class KeyedPicker {
  /** position * 2^21 + rank, sorted: the ring (exact integers below 2^53) */
  private readonly ring: Float64Array;
  /** member index by rank (rank: the member's place in key order, so ties on the ring never depend on an index) */
  private readonly byRank: Int32Array;

  constructor(
    private readonly keyed: Keyed,
    members: readonly Key[],
  ) {
    const n = members.length;
    if (n >= RANK_SLOTS) throw new Error(`assertion failed: ${n} members for a keyed picker`);
    const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => compareKeys(members[x]!, members[y]!) || x - y);
    this.byRank = Int32Array.from(order);
    this.ring = new Float64Array(n * POINTS);
    for (let r = 0; r < n; r++) {
      const k = members[order[r]!]!;
      for (let p = 0; p < POINTS; p++) this.ring[r * POINTS + p] = keyed.u32(k, p) * RANK_SLOTS + r;
    }
    this.ring.sort();
  }

  /** The member picked for draw `ordinal` of `k` among those with `eligible[member]` (all if omitted); -1 if none. */
  pick(k: Key, ordinal: number, eligible?: readonly boolean[]): number {
    const ring = this.ring;
    const len = ring.length;
    if (len === 0) return -1;
    const at = this.keyed.u32(k, ordinal) * RANK_SLOTS;
    let lo = 0;
    let hi = len;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (ring[mid]! < at) lo = mid + 1;
      else hi = mid;
    }
    for (let step = 0; step < len; step++) {
      const member = this.byRank[ring[(lo + step) % len]! % RANK_SLOTS]!;
      if (!eligible || eligible[member]) return member;
    }
    return -1;
  }
}
