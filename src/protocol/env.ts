import type { Micros } from '../core/units.js';

/**
 * A record whose timer fires through the event queue; `token` tells a live timer from a cancelled one.
 * `fire` returns false for a cancelled (stale) timer, so the world can tell real work from leftovers.
 */
export interface Timed {
  /** `arg` is what the timer was scheduled with (0 unless given) */
  fire(token: number, arg: number): boolean;
}

/** Why a node dropped a peer (a Go handler returning Break). */
export type DropReason = string;

/** Everything non-deterministic a node may touch, and nothing more; `M` is its protocol's message. */
export interface Env<M = unknown> {
  now(): Micros;
  /**
   * the network decides when (and whether) it arrives; `link` is the handle the network gave the
   * connection at connect (it spares a lookup of the connection per message)
   */
  send(from: number, to: number, msg: M, link?: unknown): void;
  /** schedules `rec.fire(token, arg)` after `delay`; cancel by changing the record's token */
  after(delay: Micros, rec: Timed, token: number, arg?: number): void;
  /** schedules `rec.fire(token, arg)` at virtual time `time` (>= now): for timers whose delay varies */
  at(time: Micros, rec: Timed, token: number, arg?: number): void;
  /** drops the connection between two nodes (both sides see the peer go) */
  drop(node: number, peer: number, reason: DropReason): void;
  /**
   * A handler's next piece of work: `cost` of CPU time (the store calls and sends Go's handler blocks on), then
   * `rec.fire(token, arg)`. Under the serial runtime it runs at once, inside this call (no event, no cost); under
   * the goroutine runtime it is a step on the world's machine: it waits for a core among every node's ready
   * steps and fires when its cost has run. A handler split at its blocking points continues in the record.
   */
  work(cost: Micros, rec: Timed, token: number, arg?: number): void;
}

/**
 * What the operations a handler blocks on cost under the goroutine runtime, in CPU time on one core (scenario
 * key `runtime.costs`; calibration in docs/runtime.md). The protocol counts the operations; the world's machine
 * runs them. Protocol-neutral: Bee's handlers block on the same kinds of calls.
 */
export interface Costs {
  /** a received message: read it, decode it, start its handler; also each wake-up of a blocked handler */
  handler: Micros;
  /** a sent message: encode it and write it to the connection */
  send: Micros;
  /** one hash looked up or one small index entry read or written (NeedData per hash, a pull-index read, a cursor, an interval) */
  storeLookup: Micros;
  /** one chunk fetched for delivery (cache or store) */
  get: Micros;
  /** one delivered chunk validated and stored */
  put: Micros;
}

/** Costs of nothing (the serial runtime's, where work is free). */
export const NO_COSTS: Costs = { handler: 0, send: 0, storeLookup: 0, get: 0, put: 0 };
