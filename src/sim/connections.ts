import { Channels, type LinkDraws } from '../net/links.js';

/** A live connection: two FIFO channels and an epoch that tells its messages from an earlier connection's. */
export class Conn extends Channels {
  /** false once unlinked (a node may still hold the handle while its handler finishes) */
  live = true;
  /** node a's record of b, and node b's of a: what a delivery hands the receiver */
  peerAtA: unknown;
  peerAtB: unknown;
  constructor(
    readonly a: number,
    readonly b: number,
    readonly epoch: number,
    readonly po: number,
    readonly po256: number,
    /** the pair's latency draws (kept across its connections) */
    readonly draws: LinkDraws,
  ) {
    super();
  }
}

/**
 * The world's bookkeeping of links: the pairs that should be connected (the topology's and scenario connects: what
 * redials restore), the live connections by pair and by epoch, and each node's linked peers in the order their links
 * came up. Pairs are integer keys, a < b.
 */
export class Connections {
  /** pairs that should be connected */
  readonly wanted = new Set<number>();
  /** wanted pairs a partition cuts (the go hive's dials of them fail until a heal) */
  readonly cut = new Set<number>();
  private readonly live = new Map<number, Conn>();
  /** the live connections by epoch (undefined once down): a delivery's lookup */
  readonly byEpoch: (Conn | undefined)[] = [undefined];
  /** each node's linked peers, in the order the links came up */
  readonly linked: Set<number>[];
  private epoch = 0;

  constructor(private readonly n: number) {
    this.linked = Array.from({ length: n }, () => new Set<number>());
  }

  key(a: number, b: number): number {
    return a < b ? a * this.n + b : b * this.n + a;
  }

  get(key: number): Conn | undefined {
    return this.live.get(key);
  }

  get size(): number {
    return this.live.size;
  }

  /** Live connections as sorted [a, b] pairs. */
  list(): [number, number][] {
    return [...this.live.values()].map((c): [number, number] => [c.a, c.b]).sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  }

  /** A dial of the pair would connect (both ends up is the caller's to know): wanted, not cut, not connected. */
  dialable(key: number): boolean {
    return this.wanted.has(key) && !this.cut.has(key) && !this.live.has(key);
  }

  /** Every wanted pair touching `node` (all when undefined), sorted. */
  wantedPairs(node?: number): [number, number][] {
    const out: [number, number][] = [];
    for (const k of this.wanted) {
      const a = Math.floor(k / this.n);
      const b = k % this.n;
      if (node === undefined || a === node || b === node) out.push([a, b]);
    }
    return out.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  }

  /** A new connection between x < y with the next epoch. */
  open(x: number, y: number, po: number, po256: number, draws: LinkDraws): Conn {
    const conn = new Conn(x, y, ++this.epoch, po, po256, draws);
    this.live.set(this.key(x, y), conn);
    this.byEpoch[conn.epoch] = conn;
    this.linked[x]!.add(y);
    this.linked[y]!.add(x);
    return conn;
  }

  /** The connection of the pair goes down; undefined when there was none. */
  close(a: number, b: number): Conn | undefined {
    const key = this.key(a, b);
    const conn = this.live.get(key);
    if (!conn) return undefined;
    this.live.delete(key);
    this.byEpoch[conn.epoch] = undefined;
    conn.live = false;
    this.linked[conn.a]!.delete(conn.b);
    this.linked[conn.b]!.delete(conn.a);
    return conn;
  }
}
