import type { Micros } from '../../core/units.js';
import type { Message } from '../../protocol/stream/messages.js';
import type { WorldObserver } from '../../sim/observer.js';
import type { AddressTable } from '../../topology/address.js';
import { DepthLog, type DepthJson } from '../depth-log.js';
import { PeerDrops, type DropsJson } from '../drops.js';
import { DuplicateCauses, type DuplicateCausesJson } from './dup-causes.js';
import { SubscriptionLog, type SubscriptionsJson } from './subscription-log.js';

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
