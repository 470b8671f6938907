import type { Timed } from '../env.js';
import type { BeeEnv } from './env.js';
import type { BeeOptions } from './options.js';

/** What the detector tells when the node counts as warmed up. */
export interface WarmupListener {
  warmedUp(): void;
}

/**
 * Bee's warm-up (pkg/stabilization: Detector, configured in pkg/node/node.go): Kademlia records every new
 * connection (`k.detector.Record()` in connect and onConnected). The first record starts monitoring and the
 * warm-up timer; each later record closes the periods that have passed and checks the sample standard
 * deviation of the last `stabilizationPeriods` period counts once `stabilizationMinimumPeriods` more are in: below
 * `stabilizationFactor` the node is stable. The check runs only inside a record, so a network whose connections
 * all came at once is stable only when the timer (`warmupTime`) fires. Stable once, stable for this life.
 *   idle -> monitoring (first record) -> stabilized (steady rate at a record, or the timer)
 */
export class Stabilizer implements Timed {
  private state: 'idle' | 'monitoring' | 'stabilized' | 'cancelled' = 'idle';
  private periodStart = 0;
  private periodCount = 0;
  private readonly counts: number[] = [];
  private readonly token: number;

  constructor(
    private readonly opts: BeeOptions,
    private readonly env: BeeEnv,
    private readonly listener: WarmupListener,
    token: number,
  ) {
    this.token = token;
  }

  get stable(): boolean {
    return this.state === 'stabilized';
  }

  get monitoring(): boolean {
    return this.state === 'monitoring';
  }

  record(): void {
    const now = this.env.now();
    if (this.state === 'stabilized' || this.state === 'cancelled') return;
    if (this.state === 'idle') {
      this.state = 'monitoring';
      this.periodStart = now;
      this.periodCount = 1;
      this.env.after(this.opts.warmupTime, this, this.token);
      return;
    }
    const period = this.opts.stabilizationPeriod;
    const keep = this.opts.stabilizationMinimumPeriods + this.opts.stabilizationPeriods;
    while (now - this.periodStart >= period) {
      this.counts.push(this.periodCount);
      if (this.counts.length > keep) this.counts.shift();
      this.periodCount = 0;
      this.periodStart += period;
      if (this.counts.length >= keep && stdev(this.counts.slice(-this.opts.stabilizationPeriods)) < this.opts.stabilizationFactor) {
        this.stabilize();
        return;
      }
    }
    this.periodCount++;
  }

  /** The node stopped: this life's detector never fires again. */
  cancel(): void {
    this.state = 'cancelled';
  }

  /** The warm-up timer: still monitoring when it fires means stable. */
  fire(token: number): boolean {
    if (token !== this.token || this.state !== 'monitoring') return false;
    this.stabilize();
    return true;
  }

  private stabilize(): void {
    this.state = 'stabilized';
    this.listener.warmedUp();
  }
}

/** calculateStDev: the sample standard deviation (n - 1). */
function stdev(xs: readonly number[]): number {
  const n = xs.length;
  if (n < 2) return NaN;
  let sum = 0;
  for (const x of xs) sum += x;
  const mean = sum / n;
  let sq = 0;
  for (const x of xs) sq += (x - mean) * (x - mean);
  return Math.sqrt(sq / (n - 1));
}

