import type { Timed } from '../env.js';
import { BINS } from './bins.js';
import type { BeeEnv } from './env.js';
import type { RadiusCause } from './observer.js';
import type { BeeOptions } from './options.js';
import type { Reserve } from './reserve.js';

const WAKEUP = 0;
const OVER_CAPACITY = 1;

/** What the reserve worker needs of its node. */
export interface ReserveHost {
  readonly reserve: Reserve;
  readonly opts: BeeOptions;
  readonly env: BeeEnv;
  setRadius(radius: number, cause: RadiusCause): void;
  /** the puller's historical sync rate (0 before it starts) */
  syncRate(): number;
}

/**
 * Bee's reserve worker (pkg/storer/reserve.go: reserveWorker, unreserve): it runs from the node's start, before
 * warm-up. A put that leaves the reserve over capacity triggers `unreserve` (coalesced, as the event channel
 * holds one): evict from bins below the radius, batch by batch in batch id order, at least `minEvictCount` a
 * batch, and raise the radius one step each time a full pass falls short of the target. Every `wakeupDuration`
 * it lowers the radius by one when the chunks within it are under half the capacity, the historical sync rate
 * is zero and the radius is above the minimum.
 */
export class ReserveWorker implements Timed {
  private triggered = false;

  constructor(
    private readonly host: ReserveHost,
    private readonly token: number,
  ) {}

  /** The worker starts with its node: the wake-up ticker, and an over-capacity check. */
  start(): void {
    this.host.env.after(this.host.opts.wakeupDuration, this, this.token, WAKEUP);
    this.checkCapacity();
  }

  /** After a put: over capacity triggers unreserve. */
  checkCapacity(): void {
    const r = this.host.reserve;
    if (r.size <= this.host.opts.capacity || this.triggered) return;
    this.triggered = true;
    this.host.env.after(0, this, this.token, OVER_CAPACITY);
  }

  /** unreserve is due (over capacity) or the wake-up would lower the radius (periodic timers aside). */
  pending(): string {
    if (this.triggered) return 'eviction';
    if (this.decreaseDue(false)) return 'radius decrease due';
    return '';
  }

  fire(token: number, arg: number): boolean {
    if (token !== this.token) return false;
    if (arg === OVER_CAPACITY) {
      this.triggered = false;
      this.unreserve();
      return true;
    }
    this.host.env.after(this.host.opts.wakeupDuration, this, this.token, WAKEUP);
    if (!this.decreaseDue(true)) return false;
    this.host.setRadius(this.host.reserve.radius - 1, 'idle');
    return true;
  }

  /** The decrease rule; `withRate` false leaves out the sync rate (it falls to zero once sync is idle). */
  private decreaseDue(withRate: boolean): boolean {
    const { reserve, opts } = this.host;
    const threshold = Math.floor((opts.capacity * 5) / 10);
    if (reserve.radius <= opts.minimumRadius || reserve.countWithinRadius() >= threshold) return false;
    return !withRate || this.host.syncRate() === 0;
  }

  private unreserve(): void {
    const { reserve, opts } = this.host;
    const target = reserve.size - opts.capacity;
    if (target <= 0) return;
    let total = 0;
    let radius = reserve.radius;
    while (radius < BINS) {
      for (const batch of reserve.batchesBelow(radius)) {
        total += reserve.evictBatchBin(batch, Math.max(target - total, opts.minEvictCount), radius);
        if (total >= target) return;
      }
      radius++;
      this.host.setRadius(radius, 'overflow');
    }
  }
}
