import type { Micros } from '../../core/units.js';
import type { Message } from '../../protocol/stream/messages.js';
import type { WorldObserver } from '../../sim/observer.js';
import type { AddressTable } from '../../topology/address.js';
import { DepthLog, type DepthJson } from '../depth-log.js';
import { DuplicateCauses, type DuplicateCausesJson } from './dup-causes.js';
import { SubscriptionLog, type SubscriptionsJson } from './subscription-log.js';

/** Drop pairs listed at most. */
const DROP_PAIRS = 1000;

/** Connections the protocol dropped (a handler's Break), per node and per pair, with the last reason. */
export interface DropsJson {
  byNode: number[];
  /** [a, b, drops, last reason], most drops first */
  pairs: [number, number, number, string][];
}

/** Drops by peer, as the transport reports them (the scenario's own disconnects are not drops). */
export class PeerDrops implements WorldObserver {
  private readonly byNode: Int32Array;
  private readonly pairs = new Map<number, { count: number; reason: string }>();

  constructor(private readonly n: number) {
    this.byNode = new Int32Array(n);
  }

  disconnected(a: number, b: number, reason: string): void {
    if (reason === 'disconnected by scenario' || reason === 'node stopped') return;
    this.byNode[a]!++;
    this.byNode[b]!++;
    const key = Math.min(a, b) * this.n + Math.max(a, b);
    const p = this.pairs.get(key);
    if (p) (p.count++, (p.reason = reason));
    else this.pairs.set(key, { count: 1, reason });
  }

  toJSON(): DropsJson {
    const pairs = [...this.pairs].sort((x, y) => y[1].count - x[1].count || x[0] - y[0]).slice(0, DROP_PAIRS);
    return { byNode: Array.from(this.byNode), pairs: pairs.map(([k, p]) => [Math.floor(k / this.n), k % this.n, p.count, p.reason]) };
  }
}

/** What the diagnosis observers need of a run. */
export interface DiagnosisParams {
  neighbourhoodSize: number;
  onlyWithinDepth: boolean;
  /** the client's batch timeout (a want older than this is given up) */
  clientBatchTimeout: Micros;
}

/** What the observers saw, for result.json. */
export interface DiagnosisJson {
  depth: DepthJson;
  subscriptions: SubscriptionsJson;
  duplicates: DuplicateCausesJson;
  drops: DropsJson;
}

/**
 * The report's own observers of a run, beside the checkers and in the simulation's thread (like Traffic): depth
 * and subscriptions over time, drops by peer, and why duplicates happened. Only runs that write a result file
 * have them (RunOptions.details). The world sees one observer that hands each event on to its parts: four more
 * observer classes at the world's call sites would make them megamorphic, and every event slower.
 */
export class Diagnosis implements WorldObserver {
  readonly depth: DepthLog;
  readonly subscriptions: SubscriptionLog;
  readonly duplicates: DuplicateCauses;
  readonly drops: PeerDrops;

  constructor(addrs: AddressTable, n: number, p: DiagnosisParams) {
    this.subscriptions = new SubscriptionLog(addrs, n, p.onlyWithinDepth);
    this.depth = new DepthLog(addrs, n, p.neighbourhoodSize, this.subscriptions);
    this.duplicates = new DuplicateCauses(n, p.clientBatchTimeout);
    this.drops = new PeerDrops(n);
  }

  // the depth log first: the subscription log reads its settled changes with the peers of their instant
  connected(a: number, b: number, t: Micros): void {
    this.depth.connected(a, b, t);
    this.subscriptions.connected(a, b, t);
  }

  disconnected(a: number, b: number, reason: string, t: Micros): void {
    this.depth.disconnected(a, b, reason, t);
    this.subscriptions.disconnected(a, b);
    this.duplicates.disconnected(a, b);
    this.drops.disconnected(a, b, reason);
  }

  nodeUp(node: number, up: boolean, t: Micros): void {
    this.depth.nodeUp(node, up, t);
  }

  sent(from: number, to: number, m: Message, bytes: number, t: Micros): void {
    this.subscriptions.sent(from, to, m, bytes, t);
    this.duplicates.sent(from, to, m, bytes, t);
  }

  arrived(node: number, chunk: number, from: number, ruid: number, t: Micros, index: number): void {
    this.duplicates.arrived(node, chunk, from, ruid, t, index);
  }

  stored(node: number, chunk: number): void {
    this.duplicates.stored(node, chunk);
  }

  /** After the run: settles what is pending and returns the plain data. */
  toJSON(hexChunk: (c: number) => string): DiagnosisJson {
    this.depth.finish();
    return { depth: this.depth.toJSON(), subscriptions: this.subscriptions.toJSON(), duplicates: this.duplicates.toJSON(hexChunk), drops: this.drops.toJSON() };
  }
}
