
import type { Micros } from '../../core/units.js';

/** An offer on its way to the client: the server that sent it, its hashes, when, on which connection. */
export interface Offer {
  readonly server: number;
  readonly hashes: readonly number[];
  readonly at: Micros;
  readonly epoch: number;
}

/** One WantedHashes: a client wanted `chunks` of the offer `ruid` from `server`; `left` have not arrived yet. */
export class Want {
  left: number;
  constructor(
    readonly client: number,
    readonly server: number,
    readonly ruid: number,
    readonly offeredAt: Micros,
    readonly wantedAt: Micros,
    readonly epoch: number,
    readonly chunks: number[],
  ) {
    this.left = chunks.length;
  }
}

/** The copy of a chunk that reached a node first, while other wants for it were outstanding. */
export interface FirstCopy {
  from: number;
  ruid: number;
  offeredAt: Micros;
  wantedAt: Micros;
  at: Micros;
}

/** A (node, chunk) wanted more than once: the wants still outstanding, and the copy that came first. */
interface Pending {
  wants: Want[];
  first: FirstCopy | undefined;
  /** the first copy was stored (a later one is then a duplicate) */
  held: boolean;
}

/**
 * (node, chunk) -> its one outstanding want or its Pending, found by chunk id (an array index) and then by node
 * in that chunk's short list of nodes waiting for it: a chunk is in flight to a few nodes at a time, so this
 * is cheaper than hashing (node, chunk) for every chunk wanted and delivered.
 */
class Entries {
  /** per chunk: [node, slot, node, slot, ...] */
  private readonly byChunk: (number[] | undefined)[] = [];
  private readonly slots: (Want | Pending | undefined)[] = [];
  private readonly free: number[] = [];

  get(node: number, chunk: number): Want | Pending | undefined {
    const l = this.byChunk[chunk];
    if (l === undefined) return undefined;
    for (let i = 0; i < l.length; i += 2) if (l[i] === node) return this.slots[l[i + 1]!];
    return undefined;
  }

  set(node: number, chunk: number, v: Want | Pending): void {
    let l = this.byChunk[chunk];
    if (l === undefined) this.byChunk[chunk] = l = [];
    for (let i = 0; i < l.length; i += 2) {
      if (l[i] !== node) continue;
      this.slots[l[i + 1]!] = v;
      return;
    }
    const slot = this.free.pop() ?? this.slots.length;
    this.slots[slot] = v;
    l.push(node, slot);
  }

  delete(node: number, chunk: number): void {
    const l = this.byChunk[chunk];
    if (l === undefined) return;
    for (let i = 0; i < l.length; i += 2) {
      if (l[i] !== node) continue;
      this.slots[l[i + 1]!] = undefined;
      this.free.push(l[i + 1]!);
      l[i] = l[l.length - 2]!;
      l[i + 1] = l[l.length - 1]!;
      l.length -= 2;
      return;
    }
  }
}

/** How often (in wants) offers and wants that can no longer arrive are swept. */
const SWEEP_EVERY = 4096;

/**
 * Offers waiting for their WantedHashes, and each (node, chunk) wanted and not yet arrived. Wants are the
 * client's own: a want older than the client's batch timeout, or made on a connection that has since gone down,
 * is no longer outstanding (swept every SWEEP_EVERY wants, so memory follows what is in flight).
 */
export class WantBook {
  /** wants not tracked because `maxWants` were outstanding */
  untracked = 0;
  /** set by `arrived`: the copy that had already arrived and been stored (the one just arrived is a duplicate), or undefined */
  first: FirstCopy | undefined;
  private readonly offers = new Map<number, Offer>();
  /** (node, chunk) -> its one outstanding want, or the wants of a chunk wanted more than once */
  private readonly wants: Entries;
  private readonly batches = new Set<Want>();
  /** disconnects per pair (min * n + max): a want or offer from an earlier connection is void */
  private readonly epochs = new Map<number, number>();
  private outstanding = 0;
  private pendings = 0;
  private sinceSweep = 0;

  constructor(
    private readonly n: number,
    private readonly timeout: Micros,
    private readonly maxWants: number,
  ) {
    this.wants = new Entries();
  }

  offered(client: number, server: number, ruid: number, hashes: readonly number[], t: Micros): void {
    this.offers.set(client * 2 ** 32 + ruid, { server, hashes, at: t, epoch: this.epoch(client, server) });
  }

  /** The offer a WantedHashes answers (it is answered once: the server forgets it then). */
  answered(client: number, server: number, ruid: number): Offer | undefined {
    const key = client * 2 ** 32 + ruid;
    const o = this.offers.get(key);
    if (!o || o.server !== server) return undefined;
    this.offers.delete(key);
    return o.epoch === this.epoch(client, server) ? o : undefined;
  }

  /** The client wanted the offer's hashes whose bits are set (Swarm's bit vector: bit i at byte i/8, 1 << i%8). */
  want(client: number, server: number, ruid: number, offer: Offer, bits: Uint8Array, t: Micros): void {
    const chunks: number[] = [];
    const n = Math.min(offer.hashes.length, bits.length * 8);
    for (let i = 0; i < n; i++) if (bits[i >> 3]! & (1 << (i & 7))) chunks.push(offer.hashes[i]!);
    if (chunks.length === 0) return;
    if (this.outstanding + chunks.length > this.maxWants) {
      this.untracked += chunks.length;
      return;
    }
    const w = new Want(client, server, ruid, offer.at, t, offer.epoch, chunks);
    this.batches.add(w);
    for (const c of chunks) this.add(client, c, w, t);
    if (++this.sinceSweep >= SWEEP_EVERY) this.sweep(t);
  }

  /**
   * A chunk arrived from `from` for offer `ruid`: the want it answers (undefined: none outstanding); `first` is
   * then the copy that had already arrived and been stored, if any (this one is a duplicate). No allocation on
   * the common path: this runs for every chunk delivered.
   */
  arrived(node: number, chunk: number, from: number, ruid: number, t: Micros): Want | undefined {
    this.first = undefined;
    const v = this.wants.get(node, chunk);
    if (v === undefined) return undefined;
    if (v instanceof Want) {
      if (v.server !== from || v.ruid !== ruid) return undefined;
      this.wants.delete(node, chunk);
      this.consume(v);
      return v;
    }
    const i = v.wants.findIndex((w) => w.server === from && w.ruid === ruid);
    if (i < 0) return undefined;
    const w = v.wants[i]!;
    v.wants.splice(i, 1);
    this.consume(w);
    if (v.first && v.held) this.first = v.first;
    else {
      v.first = { from, ruid, offeredAt: w.offeredAt, wantedAt: w.wantedAt, at: t };
      v.held = false;
    }
    if (v.wants.length === 0) {
      this.wants.delete(node, chunk);
      this.pendings--;
    }
    return w;
  }

  /** A chunk was stored: a first copy waiting for it is now held. */
  stored(node: number, chunk: number): void {
    if (this.pendings === 0) return;
    const v = this.wants.get(node, chunk);
    if (v !== undefined && !(v instanceof Want) && v.first) v.held = true;
  }

  /** A connection went down: its offers and wants are void. */
  forget(a: number, b: number): void {
    const key = Math.min(a, b) * this.n + Math.max(a, b);
    this.epochs.set(key, (this.epochs.get(key) ?? 0) + 1);
  }

  private add(node: number, chunk: number, w: Want, t: Micros): void {
    this.outstanding++;
    const v = this.wants.get(node, chunk);
    if (v === undefined) this.wants.set(node, chunk, w);
    else if (v instanceof Want) {
      if (this.alive(v, t)) {
        this.wants.set(node, chunk, { wants: [v, w], first: undefined, held: false });
        this.pendings++;
      } else {
        this.consume(v);
        this.wants.set(node, chunk, w);
      }
    } else {
      for (const old of v.wants) if (!this.alive(old, t)) this.consume(old);
      v.wants = v.wants.filter((old) => this.alive(old, t));
      v.wants.push(w);
    }
  }

  private consume(w: Want): void {
    this.outstanding--;
    if (--w.left === 0) this.batches.delete(w);
  }

  private alive(w: Want, t: Micros): boolean {
    return t - w.wantedAt <= this.timeout && w.epoch === this.epoch(w.client, w.server);
  }

  private epoch(a: number, b: number): number {
    return this.epochs.size === 0 ? 0 : (this.epochs.get(Math.min(a, b) * this.n + Math.max(a, b)) ?? 0);
  }

  /** Drops wants and offers that can no longer be answered. */
  private sweep(t: Micros): void {
    this.sinceSweep = 0;
    for (const w of [...this.batches]) if (!this.alive(w, t)) this.kill(w);
    for (const [k, o] of [...this.offers]) if (o.epoch !== this.epoch(Math.floor(k / 2 ** 32), o.server) || t - o.at > 6 * this.timeout) this.offers.delete(k);
  }

  private kill(w: Want): void {
    for (const c of w.chunks) {
      const v = this.wants.get(w.client, c);
      if (v === w) {
        this.wants.delete(w.client, c);
        this.consume(w);
      } else if (v !== undefined && !(v instanceof Want) && v.wants.includes(w)) {
        v.wants = v.wants.filter((x) => x !== w);
        this.consume(w);
        if (v.wants.length === 0) {
          this.wants.delete(w.client, c);
          this.pendings--;
        }
      }
    }
    this.batches.delete(w);
  }
}
