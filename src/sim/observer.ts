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
  /**
   * a message was dispatched to its receiver (after any pause; messages of a connection that went down never are),
   * just before the receiver handles it; links are FIFO per direction, so messages of a direction arrive in the
   * order they were sent
   */
  received?(from: number, to: number, msg: WireMessage, t: Micros): void;
  connected?(a: number, b: number, t: Micros): void;
  /** the go hive's node `from` dialled `to` (ok: the connection came up; a connect event follows) */
  dialled?(from: number, to: number, ok: boolean, t: Micros): void;
  disconnected?(a: number, b: number, reason: string, t: Micros): void;
  nodeUp?(node: number, up: boolean, t: Micros): void;
  /** a node announced a protocol state the checkers may verify (Bee: its storage radius) */
  stateChanged?(node: number, name: string, value: number, cause: string, t: Micros): void;
  /** a scenario timeline action was applied */
  action?(label: string, t: Micros): void;
}
