import type { Micros } from '../core/units.js';
import type { WireMessage } from '../protocol/api.js';
import type { WorldObserver } from '../sim/observer.js';
import type { PairIndex } from './pairs.js';
import type { CheckWorld } from './view.js';

/**
 * A protocol's own checker properties, the one protocol-specific part of check/: each protocol has a module under
 * check/<kind>/ exporting a `ChecksModule` as `checks`. The neutral checkers (who holds what, duplicates, drops,
 * replication, liveness) need from it only which nodes are responsible for a chunk at the end, and what it found.
 * Like every checker it builds its view from the world's reports (messages on the wire, stores, connections,
 * announced states), never from the protocol's objects.
 */

/** A breach of a protocol's discipline, seen on the wire or in the stores (a drop, a range, an announced radius, ...). */
export interface Breach {
  kind: string;
  node: number;
  chunk?: number;
  at: Micros;
  detail: string;
}

/** Where every checker's breaches go, in the order they happen; counts by kind, the first `limit` of each listed. */
export class Breaches {
  readonly list: Breach[] = [];
  readonly counts: Record<string, number> = {};

  constructor(private readonly limit = 200) {}

  add(b: Breach): void {
    const n = (this.counts[b.kind] ?? 0) + 1;
    this.counts[b.kind] = n;
    if (n <= this.limit) this.list.push(b);
  }

  count(kind: string): number {
    return this.counts[kind] ?? 0;
  }
}

/** One run's instance of a protocol's properties. */
export interface ProtocolChecks {
  readonly observers: WorldObserver[];
  /** per node, the least PO(node, chunk) that makes the node responsible for the chunk at the end of the run */
  thresholds(world: CheckWorld): number[];
  /** measures that are not breaches (Bee: deliveries outside the receiver's radius) */
  metrics(): Record<string, number>;
  /**
   * whether a removal with this cause excuses the node from holding the chunk at the end; absent: every removal
   * does (stream!'s only removals are the scenario's). Bee: its evictions and wipes do not.
   */
  excuses?(cause: string): boolean;
  /** a (node, chunk) pair the protocol's rules exempt at the end, from what the checks observed (Bee: the chunk's batch expired at the node) */
  excused?(node: number, chunk: number): boolean;
}

/** What a check module gets to build its properties. */
export interface ChecksSetup<P> {
  world: CheckWorld;
  params: P;
  /** the (node, chunk) pair records the recorder shares (each checker its own flag bit) */
  pairs: PairIndex;
  breaches: Breaches;
}

/** Where a check module writes the rows of the messages it reads, for the check thread (check/wire.ts). */
export interface RowSink {
  /** the index of `size` free doubles in `rows()` (written before the next call) */
  reserve(size: number): number;
  rows(): Float64Array;
}

/** A protocol's check module: its properties, and how the messages they read cross to the check thread. */
export interface ChecksModule<P = unknown> {
  create(setup: ChecksSetup<P>): ProtocolChecks;
  /** writes a sent message's row if its properties read it (ops from 32 up; the neutral rows use the ones below) */
  encode(sink: RowSink, from: number, to: number, m: WireMessage, t: Micros): void;
  /** replays its row at `r` into the observers; returns the row's length */
  decode(rows: Float64Array, r: number, observers: readonly WorldObserver[]): number;
}

/** Which check module a run uses: a module URL the check thread can import, and its parameters. */
export interface ChecksChoice<P = unknown> {
  module: string;
  params: P;
}
