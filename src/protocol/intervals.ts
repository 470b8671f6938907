/**
 * The interval store of one (peer, stream): sorted, disjoint, closed ranges of bin IDs already synced,
 * exactly as Swarm's network/stream/intervals (PROTOCOL.md §6): ranges that overlap or touch merge,
 * and nothing below `start` is ever recorded.
 */
export class Intervals {
  /** flat [s0, e0, s1, e1, ...] */
  private ranges: number[] = [];

  constructor(readonly start = 1) {}

  add(s: number, e: number): void {
    if (s < this.start) s = this.start;
    if (e < this.start || e < s) return;
    const r = this.ranges;
    // ranges [0, i) lie wholly before [s, e]; [i, j) overlap or touch it and merge into [ns, ne]; [j, ..) follow
    let i = 0;
    while (i < r.length && r[i + 1]! + 1 < s) i += 2;
    let ns = s;
    let ne = e;
    let j = i;
    while (j < r.length && r[j]! <= ne + 1) {
      if (r[j]! < ns) ns = r[j]!;
      if (r[j + 1]! > ne) ne = r[j + 1]!;
      j += 2;
    }
    // Memory: a 10k-node run keeps millions of these, so no growable arrays. The usual case (the merge
    // replaces one range, e.g. the synced prefix grows) updates in place; otherwise an exact-size array.
    if (j === i + 2) {
      r[i] = ns;
      r[i + 1] = ne;
      return;
    }
    const out = new Array<number>(i + 2 + r.length - j);
    for (let k = 0; k < i; k++) out[k] = r[k]!;
    out[i] = ns;
    out[i + 1] = ne;
    for (let k = j; k < r.length; k++) out[k - j + i + 2] = r[k]!;
    this.ranges = out;
  }

  /**
   * Next(ceiling) -> [start, end, empty]: the first gap. end = 0 means unbounded. With ceiling > 0 both are
   * clamped to it and `empty` says the gap lies wholly above the ceiling.
   */
  next(ceiling = 0): [number, number, boolean] {
    const r = this.ranges;
    let s: number;
    let e: number;
    if (r.length === 0) [s, e] = [this.start, 0];
    else if (r[0]! > this.start) [s, e] = [this.start, r[0]! - 1];
    else if (r.length === 2) [s, e] = [r[1]! + 1, 0];
    else [s, e] = [r[1]! + 1, r[2]! - 1];
    let empty = false;
    if (ceiling > 0) {
      empty = s > ceiling && (e === 0 || e > ceiling);
      if (s > ceiling) s = ceiling;
      if (e === 0 || e > ceiling) e = ceiling;
    }
    return [s, e, empty];
  }

  /** End of the last range, 0 if none. */
  last(): number {
    return this.ranges.length === 0 ? 0 : this.ranges[this.ranges.length - 1]!;
  }

  toArray(): [number, number][] {
    const out: [number, number][] = [];
    for (let i = 0; i < this.ranges.length; i += 2) out.push([this.ranges[i]!, this.ranges[i + 1]!]);
    return out;
  }

  /** Swarm's persisted encoding (MarshalBinary), every number in base 36: start;s1,e1;s2,e2... */
  encode(): string {
    return [this.start.toString(36), ...this.toArray().map(([s, e]) => `${s.toString(36)},${e.toString(36)}`)].join(';');
  }
}
