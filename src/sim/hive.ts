import type { Engine } from '../core/engine.js';
import { compareKeys, subKey, type Keyed, type Key } from '../core/keyed.js';
import type { Micros } from '../core/units.js';
import { allowedRetries, retryWait, wantedBins } from './suggest.js';

/** The Go hive's parameters (network/hive.go, network/kademlia.go, and the p2p dialer under them). */
export interface HiveParams {
  /** KeepAliveInterval: each node's hive ticks this often and dials at most one peer per tick */
  keepAlive: Micros;
  /** RetryInterval: a known peer is redialled once this long after it was last seen, then less and less often */
  retryInterval: Micros;
  /** RetryExponent: the divisor of callable's loop (an integer of at least 2) */
  retryExponent: number;
  /** the divisor drawn in exponent * (1 +- retryJitter) per call; Go's +-15% truncates to 0 in its int64 arithmetic */
  retryJitter: number;
  /** MaxRetries: a peer dialled this many times more is never dialled again (until it connects) */
  maxRetries: number;
  /** MinBinSize: peers a bin far from the neighbourhood should hold */
  minBinSize: number;
  neighbourhoodSize: number;
  /**
   * the p2p server's dial history (geth's dialHistoryExpiration, 35 s): a peer dialled in the last this long is not
   * dialled again, and a peer the hive once asked for (a static peer) is redialled by the server whenever the
   * connection is down and its history has expired. null: the hive alone dials.
   */
  dialHistory: Micros | null;
}

/** What the hive asks of the world. */
export interface HiveHost {
  readonly engine: Engine;
  readonly up: readonly boolean[];
  /** each node's key: its address's (draws are keyed by it) */
  readonly nodeKeys: readonly Key[];
  /** the 256-bit PO of two nodes' addresses */
  po(a: number, b: number): number;
  /** would a dial from a to b connect now: b up, the pair wanted, not cut, not connected */
  reachable(a: number, b: number): boolean;
  /** a dials b: true when the connection came up */
  dial(a: number, b: number): boolean;
}

/** A node's record of a peer it knows (a kademlia address-book entry, and the p2p server's dial state of it). */
class Entry {
  conn = false;
  /** dials callable allowed since the peer was last seen */
  retries = 0;
  /** when the peer was last seen: the entry was made, connected or disconnected */
  seenAt: Micros = 0;
  /** the p2p server keeps it connected (AddPeer was called for it in this life) */
  static = false;
  /** the p2p server dials it no earlier than this */
  histUntil: Micros = -Infinity;
  /** the number of the server's pending redial (an older one is stale) */
  redial = 0;
  constructor(
    readonly peer: number,
    readonly po: number,
    readonly key: Key,
  ) {}
}

/** One node's hive: its known peers (by PO, then address key), its connected peers per PO, its ticks. */
class Table {
  readonly entries: Entry[] = [];
  readonly byPeer = new Map<number, Entry>();
  readonly bins = new Uint16Array(257);
  maxBin = 0;
  size = 0;
  /** starts so far; 0 = not started */
  life = 0;
  /** ticks fall on base + k * keepAlive */
  base: Micros = 0;
  lastTick: Micros = -Infinity;
  /** the pending tick's time (-1: none) and number (an older one is stale) */
  tickAt: Micros = -1;
  token = 0;
}

/**
 * The Go hive (`hive.model: "go"`): each node ticks every keepAlive from a keyed phase; a tick asks SuggestPeer for
 * one peer (the most wanted bin first, suggest.ts) among the known peers `callable` allows, and dials it through the
 * p2p server, which skips a peer dialled in the last dialHistory and keeps redialling its static peers on its own.
 * A dial connects when the world says the peer is reachable; else it fails, and the retries it cost stand.
 * Only what matters to sync is modelled: whom each node dials when. Ticks are scheduled only while some known,
 * unconnected peer in a wanted bin may become callable (a tick with nothing to dial changes nothing), so a run can
 * end: `idle()` says no pending dial can connect without a scenario event first.
 */
export class Hive {
  private readonly tables: Table[];
  private readonly kTick: number;
  private readonly kDial: number;
  private readonly minDivisor: number;
  /** hive events in the engine's queue, stale ones included */
  pending = 0;

  constructor(
    private readonly host: HiveHost,
    readonly params: HiveParams,
    private readonly draws: Keyed,
    nodes: number,
  ) {
    this.tables = Array.from({ length: nodes }, () => new Table());
    this.kTick = host.engine.register('hive', (node, token) => this.tick(node, token));
    this.kDial = host.engine.register('dial', (node, peer, token) => this.redialled(node, peer, token));
    this.minDivisor = params.retryExponent * (1 - params.retryJitter);
  }

  private get now(): Micros {
    return this.host.engine.now;
  }

  // --- what the world tells the hive -------------------------------------------------------------------------

  /**
   * a dials b (the snapshot's connections at time 0, as the Go simulations load one; a scenario connect): both know
   * each other from now; b is a's static peer. A node that is down dials nothing.
   */
  connect(a: number, b: number): void {
    this.know(a, b);
    this.know(b, a);
    if (!this.host.up[a]) return;
    const e = this.tables[a]!.byPeer.get(b)!;
    if (this.params.dialHistory !== null) e.static = true;
    if (!e.conn) this.dial(a, e);
  }

  /** A scenario disconnect: the two forget each other (the world unlinks them). */
  forget(a: number, b: number): void {
    for (const [x, y] of [[a, b], [b, a]] as const) {
      const t = this.tables[x]!;
      const e = t.byPeer.get(y);
      if (!e) continue;
      if (e.conn) throw new Error(`assertion failed: hive forgets connected peers ${x}-${y}`);
      t.byPeer.delete(y);
      t.entries.splice(t.entries.indexOf(e), 1);
      this.schedule(x);
    }
  }

  /** A node's life begins: its ticks fall on a keyed phase from now; its p2p server is new. */
  started(node: number): void {
    const t = this.tables[node]!;
    t.life++;
    t.base = this.now + 1 + this.draws.int(subKey(this.host.nodeKeys[node]!, t.life), 0, this.params.keepAlive);
    t.lastTick = -Infinity;
    this.schedule(node);
  }

  /** A node stopped (its links are already down): no more ticks, and its p2p server's state is gone. */
  stopped(node: number): void {
    const t = this.tables[node]!;
    t.token++;
    t.tickAt = -1;
    for (const e of t.entries) {
      e.static = false;
      e.histUntil = -Infinity;
      e.redial++;
    }
  }

  /** A connection came up (kademlia On at both ends: a fresh entry, connected). */
  on(a: number, b: number): void {
    for (const [x, y] of [[a, b], [b, a]] as const) {
      const t = this.tables[x]!;
      const e = t.byPeer.get(y);
      if (!e) throw new Error(`assertion failed: hive connection ${x}-${y} of an unknown peer`);
      e.conn = true;
      e.retries = 0;
      e.seenAt = this.now;
      e.redial++;
      t.bins[e.po]!++;
      t.size++;
      if (e.po > t.maxBin) t.maxBin = e.po;
      this.schedule(x);
    }
  }

  /** A connection went down (kademlia Off at both ends: a fresh entry); a static peer is redialled by the server. */
  off(a: number, b: number): void {
    for (const [x, y] of [[a, b], [b, a]] as const) {
      const t = this.tables[x]!;
      const e = t.byPeer.get(y)!;
      e.conn = false;
      e.retries = 0;
      e.seenAt = this.now;
      t.bins[e.po]!--;
      t.size--;
      while (t.maxBin > 0 && t.bins[t.maxBin] === 0) t.maxBin--;
      if (e.static && this.host.up[x]) this.redialAt(x, e, Math.max(this.now, e.histUntil));
      this.schedule(x);
    }
  }

  /** Only the hive's events are queued, and none of them can connect anything before a scenario event. */
  settled(): boolean {
    return this.host.engine.queue.size === this.pending && this.idle();
  }

  /** No pending dial can connect: every reachable, unconnected peer of an up node is neither static nor wanted. */
  idle(): boolean {
    for (let n = 0; n < this.tables.length; n++) {
      const t = this.tables[n]!;
      if (!this.host.up[n] || t.size === t.entries.length) continue;
      let wanted: number[] | undefined;
      for (const e of t.entries) {
        if (e.conn || !this.host.reachable(n, e.peer)) continue;
        if (e.static) return false;
        if (e.retries > this.params.maxRetries) continue;
        wanted ??= this.wanted(t);
        if (wanted.includes(e.po)) return false;
      }
    }
    return true;
  }

  // --- ticks ---------------------------------------------------------------------------------------------------

  private tick(node: number, token: number): void {
    this.pending--;
    const t = this.tables[node]!;
    if (token !== t.token || !this.host.up[node]) return;
    t.tickAt = -1;
    t.lastTick = this.now;
    const e = this.suggest(node, t);
    if (e) this.addPeer(node, e);
    this.schedule(node);
  }

  /** SuggestPeer: the first peer `callable` allows, in the most wanted bin first. */
  private suggest(node: number, t: Table): Entry | undefined {
    for (const po of this.wanted(t)) {
      for (const e of t.entries) if (e.po === po && this.callable(node, e)) return e;
    }
    return undefined;
  }

  private wanted(t: Table): number[] {
    const nearest = t.entries.length === 0 ? -1 : t.entries[t.entries.length - 1]!.po;
    return wantedBins(t.bins, t.maxBin, t.size, nearest, this.params.neighbourhoodSize, this.params.minBinSize);
  }

  /** callable: not connected, not past MaxRetries, and the time since last seen allows one more retry (counted). */
  private callable(node: number, e: Entry): boolean {
    const p = this.params;
    if (e.conn || e.retries > p.maxRetries) return false;
    let divisor = p.retryExponent;
    if (p.retryJitter > 0) {
      const u = this.draws.unit(subKey(this.host.nodeKeys[node]!, e.key.hi, e.key.lo), Math.floor(this.now / p.keepAlive));
      divisor *= 1 + p.retryJitter * (2 * u - 1);
    }
    if (allowedRetries(this.now - e.seenAt, p.retryInterval, divisor) < e.retries) return false;
    e.retries++;
    return true;
  }

  /** The hive's AddPeer: the p2p server makes the peer static and dials it, unless it did in the last dialHistory. */
  private addPeer(node: number, e: Entry): void {
    if (this.params.dialHistory === null) {
      this.host.dial(node, e.peer);
      return;
    }
    e.static = true;
    if (e.histUntil <= this.now) this.dial(node, e);
  }

  /** The p2p server dials: the history holds the peer for dialHistory; a failed static peer is retried after it. */
  private dial(node: number, e: Entry): void {
    const ok = this.host.dial(node, e.peer);
    if (this.params.dialHistory === null) return;
    e.histUntil = this.now + this.params.dialHistory;
    if (!ok && e.static) this.redialAt(node, e, e.histUntil);
  }

  private redialAt(node: number, e: Entry, at: Micros): void {
    this.pending++;
    this.host.engine.at(at, this.kDial, node, e.peer, ++e.redial);
  }

  private redialled(node: number, peer: number, token: number): void {
    this.pending--;
    const e = this.tables[node]!.byPeer.get(peer);
    if (!e || token !== e.redial || e.conn || !this.host.up[node]) return;
    this.dial(node, e);
  }

  /**
   * Plans the node's next tick: the first on its grid, after its last, at which some unconnected peer in a wanted
   * bin may be callable; none when there is no such peer (a change of its connections plans again).
   */
  private schedule(node: number): void {
    const t = this.tables[node]!;
    if (t.life === 0 || !this.host.up[node]) return;
    const p = this.params;
    let wake = Infinity;
    if (t.size < t.entries.length) {
      const wanted = this.wanted(t);
      for (const e of t.entries) {
        if (e.conn || e.retries > p.maxRetries || !wanted.includes(e.po)) continue;
        wake = Math.min(wake, e.seenAt + retryWait(e.retries, p.retryInterval, this.minDivisor));
      }
    }
    if (wake === Infinity) {
      t.token++;
      t.tickAt = -1;
      return;
    }
    const from = Math.max(wake, this.now);
    let k = Math.max(0, Math.ceil((from - t.base) / p.keepAlive));
    if (t.base + k * p.keepAlive <= t.lastTick) k = Math.floor((t.lastTick - t.base) / p.keepAlive) + 1;
    const at = t.base + k * p.keepAlive;
    if (t.tickAt >= 0 && t.tickAt <= at) return;
    t.tickAt = at;
    this.pending++;
    this.host.engine.at(at, this.kTick, node, ++t.token);
  }

  /** The node learns of a peer (a fresh entry, seen now), kept in order of PO, then address key. */
  private know(node: number, peer: number): void {
    const t = this.tables[node]!;
    if (t.byPeer.has(peer)) return;
    const e = new Entry(peer, this.host.po(node, peer), this.host.nodeKeys[peer]!);
    e.seenAt = this.now;
    t.byPeer.set(peer, e);
    let i = t.entries.length;
    while (i > 0 && (t.entries[i - 1]!.po > e.po || (t.entries[i - 1]!.po === e.po && compareKeys(t.entries[i - 1]!.key, e.key) > 0))) i--;
    t.entries.splice(i, 0, e);
  }
}
