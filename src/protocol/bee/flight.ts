import type { Timed } from '../env.js';
import type { Handler } from './handler.js';
import type { Server } from './server.js';

/**
 * One page being collected (pullsync's collectAddrs inside `intervalsSF.Do`): every handler that asks for
 * the same (bin, start) while it is collecting shares it. It reads the bin from `start` in bin ID order up to
 * `maxPage` entries; it waits without limit for the first entry, and once it has one, at most `pageTimeout`
 * for each further one (the timer is reset per entry, so it ends `pageTimeout` after the last).
 *   reading (parked on the bin until a put) -> timed (an entry in hand, timer armed) -> done
 * The timer is one event chasing the deadline, not an event per reset: it fires at the deadline it was set
 * for, finds it moved on, and schedules itself there again.
 */
export class Flight implements Timed {
  readonly chunks: number[] = [];
  topmost = 0;
  /** next bin ID to read */
  next: number;
  readonly members: Handler[] = [];
  deadline = 0;
  armed = false;
  done = false;
  parked = false;

  constructor(
    private readonly server: Server,
    readonly key: number,
    readonly bin: number,
    readonly start: number,
  ) {
    this.next = start;
  }

  fire(): boolean {
    if (this.done) return false;
    const now = this.server.now();
    if (now < this.deadline) {
      this.server.timerAt(this, this.deadline);
      return false;
    }
    this.armed = false;
    this.server.complete(this);
    return true;
  }
}
