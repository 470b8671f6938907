import { SECOND, type Micros } from '../../core/units.js';

/**
 * A token bucket as golang.org/x/time/rate's Limiter behaves under WaitN: `rate` tokens a second, at most
 * `burst` in the bucket, full at first; a request for n tokens takes them at once and waits until the bucket
 * would have refilled to zero (tokens may go negative). Kept as the theoretical arrival time (GCRA) in integer
 * microseconds: `tat` is when the bucket would be full again.
 */
export class Limiter {
  private tat = 0;
  /** micros per token */
  readonly interval: Micros;

  constructor(
    rate: number,
    readonly burst: number,
  ) {
    this.interval = Math.round(SECOND / rate);
  }

  /**
   * Takes n tokens at `now` (WaitN's reservation) and returns how long the caller waits before it may go on.
   * n above the burst is a bug in the caller (x/time/rate refuses it).
   */
  take(n: number, now: Micros): Micros {
    if (n > this.burst) throw new Error(`assertion failed: limiter asked for ${n} tokens, burst ${this.burst}`);
    const from = this.tat > now ? this.tat : now;
    this.tat = from + n * this.interval;
    const wait = this.tat - now - this.burst * this.interval;
    return wait > 0 ? wait : 0;
  }

  /** A waiter gave up (its context ended): its n tokens go back, as Reservation.Cancel would return them. */
  giveBack(n: number, now: Micros): void {
    this.tat -= n * this.interval;
    if (this.tat < now - this.burst * this.interval) this.tat = now - this.burst * this.interval;
  }
}
