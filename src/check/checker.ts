import type { Micros } from '../core/units.js';
import { po16, po256 } from '../topology/address.js';
import { Buckets } from './series.js';
import type { WorldObserver } from '../sim/observer.js';
import type { World } from '../sim/world.js';

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
 */
export class Recorder implements WorldObserver {
  readonly n: number;
  readonly holders: Set<number>[];
  /** key chunk * n + node -> when the node first stored the chunk */
  readonly storedAt = new Map<number, Micros>();
  readonly firstArrival = new Map<number, Arrival>();
  readonly origin = new Map<number, number>();
  readonly uploadedAt = new Map<number, Micros>();
  /** chunks the scenario removed somewhere, and where */
  readonly removedAt = new Map<number, Set<number>>();
  readonly deliveries = new Map<number, number>();
  readonly duplicates: Duplicate[] = [];
  duplicateCount = 0;
  readonly duplicateSeries = new Buckets();
  arrivals = 0;
  lastStore: Micros = 0;

  constructor(
    private readonly world: World,
    private readonly maxDuplicatesKept = 1000,
  ) {
    this.n = world.nodes.length;
    this.holders = Array.from({ length: this.n }, () => new Set<number>());
  }

  uploaded(node: number, chunk: number, t: Micros): void {
    if (!this.origin.has(chunk)) {
      this.origin.set(chunk, node);
      this.uploadedAt.set(chunk, t);
    }
  }

  stored(node: number, chunk: number, t: Micros): void {
    this.holders[node]!.add(chunk);
    const key = chunk * this.n + node;
    if (!this.storedAt.has(key)) this.storedAt.set(key, t);
    this.lastStore = t;
  }

  removed(node: number, chunk: number): void {
    this.holders[node]!.delete(chunk);
    let at = this.removedAt.get(chunk);
    if (!at) this.removedAt.set(chunk, (at = new Set()));
    at.add(node);
  }

  arrived(node: number, chunk: number, from: number, ruid: number, t: Micros): void {
    this.arrivals++;
    this.deliveries.set(chunk, (this.deliveries.get(chunk) ?? 0) + 1);
    const w = this.world;
    const arrival: Arrival = { from, ruid, bin: po16(w.topology.addrs.head(from), w.chunks.head(chunk)), at: t };
    const key = chunk * this.n + node;
    if (!this.holders[node]!.has(chunk)) {
      if (!this.firstArrival.has(key)) this.firstArrival.set(key, arrival);
      return;
    }
    this.duplicateCount++;
    this.duplicateSeries.add('duplicates', t);
    if (this.duplicates.length < this.maxDuplicatesKept) {
      this.duplicates.push({ node, chunk, at: t, second: arrival, first: this.firstArrival.get(key) });
    }
  }
}

/** PO256 between a node and a chunk. */
export function nodeChunkPO(world: World, node: number, chunk: number): number {
  return po256(world.topology.addrs, node, world.chunks, chunk);
}
