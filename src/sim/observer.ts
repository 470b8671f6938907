import type { Micros } from '../core/units.js';
import type { WireMessage } from '../protocol/api.js';

/**
 * What the world reports as it happens, for checkers, metrics and reports. Each observer sees facts from the
 * world's own paths (the store, the transport), never the protocol's own counters.
 */
export interface WorldObserver {
  uploaded?(node: number, chunk: number, t: Micros): void;
  /** a chunk entered a node's store (by upload or by sync) */
  stored?(node: number, chunk: number, t: Micros): void;
  /** a chunk left a node's store; `cause` when the protocol says why (Bee: evicted, expired, lost, wiped, ...) */
  removed?(node: number, chunk: number, t: Micros, cause?: string): void;
  /**
   * a ChunkDelivery carrying `chunk` (at `index` in the message) was dispatched to `node` by the transport; a
   * message's chunks are all reported before the node handles it
   */
  arrived?(node: number, chunk: number, from: number, ruid: number, t: Micros, index: number): void;
  /** a message went on the wire (each protocol's checkers read their own messages' fields) */
  sent?(from: number, to: number, msg: WireMessage, bytes: number, t: Micros): void;
  connected?(a: number, b: number, t: Micros): void;
  disconnected?(a: number, b: number, reason: string, t: Micros): void;
  nodeUp?(node: number, up: boolean, t: Micros): void;
  /** a node announced a protocol state the checkers may verify (Bee: its storage radius) */
  stateChanged?(node: number, name: string, value: number, cause: string, t: Micros): void;
  /** a scenario timeline action was applied */
  action?(label: string, t: Micros): void;
}
