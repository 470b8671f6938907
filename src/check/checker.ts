import type { IntTable } from '../core/inttable.js';
import type { Micros } from '../core/units.js';
import { po16, po256 } from '../topology/address.js';
import { Buckets } from './series.js';
import { HELD, Paged, PairIndex, TimeColumn } from './pairs.js';
import type { WorldObserver } from '../sim/observer.js';
import type { CheckWorld } from './view.js';

/** One delivery of a chunk to a node, as the transport saw it. */
export interface Arrival {
  readonly from: number;
  readonly ruid: number;
  /** the server's stream: SYNC|bin, bin = PO16(server, chunk) */
  readonly bin: number;
  readonly at: Micros;
}

/** A chunk delivered to a node that already held it. */
export interface Duplicate {
  readonly node: number;
  readonly chunk: number;
  readonly at: Micros;
  readonly second: Arrival;
  /** how the node got it first (undefined when it was uploaded there) */
  readonly first: Arrival | undefined;
}

/**
 * The independent observer: it builds its own record of who holds what from the world's store and transport
 * events (uploads, stores, removals, ChunkDelivery arrivals), never from the protocol's counters.
 *
 * Memory: a 10k-node run keeps tens of millions of (chunk, node) pairs, so they are not Map entries and
 * objects: each pair has a record number in a PairIndex (shared with the discipline checker when the runner
 * builds both), whose value also carries the HELD flag (held now); a record's other fields (when the node first
 * stored the chunk, how it first arrived) live in paged typed arrays. The first arrivals only serve to
 * describe the first `maxDuplicatesKept` duplicates; once that many are kept they are released.
 */
export class Recorder implements WorldObserver {
  readonly n: number;
  /** per node, the chunks it holds now */
  readonly holders: HeldChunks[];
  /** when each node first stored each chunk, keyed chunk * n + node */
  readonly storedAt: StoredTimes;
  readonly origin = new Map<number, number>();
  readonly uploadedAt = new Map<number, Micros>();
  /** chunks the scenario removed somewhere, and where */
  readonly removedAt = new Map<number, Set<number>>();
  /** ChunkDelivery arrivals per chunk */
  readonly deliveries = new Counts();
  readonly duplicates: Duplicate[] = [];
  duplicateCount = 0;
  readonly duplicateSeries = new Buckets();
  /** duplicates per node, and per (node * n + sender of the duplicate copy) */
  readonly duplicatesByNode: Int32Array;
  readonly duplicateSenders = new Map<number, number>();
  arrivals = 0;
  lastStore: Micros = 0;
  /** whether a removal with this cause excuses the node (the protocol's checks say; by default every removal does) */
  excuses: (cause: string) => boolean = () => true;
  /** the chunks of the ChunkDelivery being reported (reused) */
  private readonly inMessage: number[] = [];
  private readonly firstStored = new TimeColumn();
  /** first arrival while not held: sender (-1 none), ruid, time; undefined once no longer needed */
  private arrival: { from: Paged<Int32Array>; ruid: Paged<Float64Array>; at: Paged<Float64Array> } | undefined = {
    from: new Paged(Int32Array, -1),
    ruid: new Paged(Float64Array, 0),
    at: new Paged(Float64Array, 0),
  };

  constructor(
    private readonly world: CheckWorld,
    private readonly maxDuplicatesKept = 1000,
    private readonly pairs = new PairIndex(world.nodes.length, world.arena),
  ) {
    this.n = world.nodes.length;
    this.duplicatesByNode = new Int32Array(this.n);
    this.holders = pairs.tables.map((t) => new HeldChunks(t));
    this.storedAt = new StoredTimes(pairs.tables, this.firstStored);
    if (maxDuplicatesKept === 0) this.arrival = undefined;
  }

  uploaded(node: number, chunk: number, t: Micros): void {
    if (!this.origin.has(chunk)) {
      this.origin.set(chunk, node);
      this.uploadedAt.set(chunk, t);
    }
  }

  stored(node: number, chunk: number, t: Micros): void {
    const v = this.pairs.ensure(node, chunk);
    const r = v >> 2;
    if (this.firstStored.get(r) < 0) this.firstStored.set(r, t);
    if ((v & HELD) === 0) {
      this.pairs.put(node, chunk, v | HELD);
      this.holders[node]!.size++;
    }
    this.lastStore = t;
  }

  /**
   * A chunk left a node's store. A removal excuses the node from holding the chunk at the end (a fault the
   * protocol cannot undo) unless `excuses` says its cause does not (Bee's evictions and wipes: sync must restore
   * what the node is responsible for).
   */
  removed(node: number, chunk: number, _t?: Micros, cause?: string): void {
    const v = this.pairs.get(node, chunk);
    if (v >= 0 && (v & HELD) !== 0) {
      this.pairs.put(node, chunk, v & ~HELD);
      this.holders[node]!.size--;
    }
    if (cause !== undefined && !this.excuses(cause)) return;
    let at = this.removedAt.get(chunk);
    if (!at) this.removedAt.set(chunk, (at = new Set()));
    at.add(node);
  }

  /** A removal the scenario expects sync to undo: the node stays in the chunk's expected holders. */
  expectBack(node: number, chunk: number): void {
    this.removedAt.get(chunk)?.delete(node);
  }

  /**
   * A chunk of a ChunkDelivery reached `node` (`index`: its place in the message; the world reports a message's
   * chunks before the node stores any). A copy that finds the chunk held, or a second copy in one message, is a
   * duplicate.
   */
  arrived(node: number, chunk: number, from: number, ruid: number, t: Micros, index = 0): void {
    this.arrivals++;
    this.deliveries.add(chunk);
    if (index === 0) this.inMessage.length = 0;
    const again = index > 0 && this.inMessage.includes(chunk);
    this.inMessage.push(chunk);
    const v = this.pairs.get(node, chunk);
    if (!again && (v < 0 || (v & HELD) === 0)) {
      const a = this.arrival;
      if (!a) return;
      const r = (v < 0 ? this.pairs.ensure(node, chunk) : v) >> 2;
      if (a.from.get(r) < 0) {
        a.from.set(r, from);
        a.ruid.set(r, ruid);
        a.at.set(r, t);
      }
      return;
    }
    this.duplicateCount++;
    this.duplicateSeries.add('duplicates', t);
    this.duplicatesByNode[node]!++;
    const sender = node * this.n + from;
    this.duplicateSenders.set(sender, (this.duplicateSenders.get(sender) ?? 0) + 1);
    if (this.duplicates.length < this.maxDuplicatesKept) {
      this.duplicates.push({ node, chunk, at: t, second: this.arrivalOf(from, ruid, chunk, t), first: v < 0 ? undefined : this.firstArrival(v >> 2, chunk) });
      if (this.duplicates.length === this.maxDuplicatesKept) this.arrival = undefined; // never asked for again
    }
  }

  private firstArrival(r: number, chunk: number): Arrival | undefined {
    const a = this.arrival;
    if (!a || a.from.get(r) < 0) return undefined;
    return this.arrivalOf(a.from.get(r), a.ruid.get(r), chunk, a.at.get(r));
  }

  private arrivalOf(from: number, ruid: number, chunk: number, at: Micros): Arrival {
    const w = this.world;
    return { from, ruid, bin: po16(w.topology.addrs.head(from), w.chunks.head(chunk)), at };
  }
}

/** The chunks one node holds now: a read-only view of the recorder's pairs (has, size, iteration). */
export class HeldChunks {
  size = 0;
  constructor(private readonly table: IntTable) {}

  has(chunk: number): boolean {
    const v = this.table.get(chunk);
    return v >= 0 && (v & HELD) !== 0;
  }

  /** Every chunk held, in no particular order. */
  forEach(f: (chunk: number) => void): void {
    this.table.forEach((chunk, v) => {
      if ((v & HELD) !== 0) f(chunk);
    });
  }

  [Symbol.iterator](): Iterator<number> {
    const out: number[] = [];
    this.forEach((c) => out.push(c));
    return out[Symbol.iterator]();
  }
}

/** When each node first stored each chunk, keyed chunk * n + node, as the Map it replaces was read. */
export class StoredTimes {
  constructor(
    private readonly pairs: IntTable[],
    private readonly times: TimeColumn,
  ) {}

  get(key: number): Micros | undefined {
    const n = this.pairs.length;
    const v = this.pairs[key % n]!.get(Math.floor(key / n));
    if (v < 0) return undefined;
    const t = this.times.get(v >> 2);
    return t < 0 ? undefined : t;
  }

  has(key: number): boolean {
    return this.get(key) !== undefined;
  }

  /** Every (chunk, node, time first stored), node by node, in no particular order within a node. */
  forEach(f: (chunk: number, node: number, t: Micros) => void): void {
    this.pairs.forEach((table, node) =>
      table.forEach((chunk, v) => {
        const t = this.times.get(v >> 2);
        if (t >= 0) f(chunk, node, t);
      }),
    );
  }

  [Symbol.iterator](): Iterator<[number, Micros]> {
    const n = this.pairs.length;
    const out: [number, Micros][] = [];
    this.forEach((chunk, node, t) => out.push([chunk * n + node, t]));
    return out[Symbol.iterator]();
  }
}

/** A count per chunk id (a Map<number, number> as it was read: get returns undefined for none). */
export class Counts {
  private counts = new Int32Array(1024);

  add(i: number): void {
    if (i >= this.counts.length) {
      const bigger = new Int32Array(Math.max(2 * this.counts.length, i + 1));
      bigger.set(this.counts);
      this.counts = bigger;
    }
    this.counts[i]!++;
  }

  get(i: number): number | undefined {
    const c = this.counts[i];
    return c === undefined || c === 0 ? undefined : c;
  }
}

/** PO256 between a node and a chunk. */
export function nodeChunkPO(world: CheckWorld, node: number, chunk: number): number {
  return po256(world.topology.addrs, node, world.chunks, chunk);
}
