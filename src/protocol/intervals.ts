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
    const out: number[] = [];
    let i = 0;
    while (i < r.length && r[i + 1]! + 1 < s) {
      out.push(r[i]!, r[i + 1]!);
      i += 2;
    }
    let ns = s;
    let ne = e;
    while (i < r.length && r[i]! <= ne + 1) {
      if (r[i]! < ns) ns = r[i]!;
      if (r[i + 1]! > ne) ne = r[i + 1]!;
      i += 2;
    }
    out.push(ns, ne);
    while (i < r.length) out.push(r[i]!, r[i + 1]!), (i += 2);
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
