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
}
