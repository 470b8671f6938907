import type { Micros } from '../../core/units.js';

/**
 * pkg/rate's Rate as the puller keeps it for historical sync (DefaultHistRateWindow): counts per window of
 * virtual time aligned to 0, and a rate from the current window plus the part of the previous one not yet
 * passed. The reserve worker only asks whether it is zero, which holds exactly when both windows are empty.
 */
export class SyncRate {
  private window = 0;
  private current = 0;
  private previous = 0;

  constructor(private readonly windowMicros: Micros) {}

  add(count: number, now: Micros): void {
    this.roll(now);
    this.current += count;
  }

  /** chunks per second, as Rate.Rate() computes it */
  rate(now: Micros): number {
    this.roll(now);
    const w = this.windowMicros;
    const interpolate = 1 - (now - this.window * w) / w;
    return ((this.current + interpolate * this.previous) * 1_000_000) / w;
  }

  private roll(now: Micros): void {
    const w = Math.floor(now / this.windowMicros);
    if (w === this.window) return;
    this.previous = w === this.window + 1 ? this.current : 0;
    this.current = 0;
    this.window = w;
  }
}
