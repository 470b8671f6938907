import type { Engine } from '../core/engine.js';
import { SECOND, type Micros } from '../core/units.js';

/** How a protocol's nodes go quiet (Protocol.quiescence, Protocol.probeEvery). */
export interface Quiescence {
  readonly quiescence: 'queue' | 'pending';
  readonly probeEvery?: Micros;
}

/**
 * Drives a world's clock: until quiescent, or until a time, in slices with a callback between them. For most
 * protocols quiescent means the queue drained; for one whose periodic timers never stop (quiescence 'pending'), it
 * means `idle()` held at a probe, from a given time on; with the go hive, also that `settled()`: only the hive's
 * dials are left and none of them can connect anything.
 */
export class RunLoop {
  /** quiescence by pending work: the run went quiet (a probe found every node idle) */
  private quiet = false;
  private idleAfter: Micros = 0;
  private readonly kProbe: number;

  constructor(
    private readonly engine: Engine,
    private readonly protocol: Quiescence,
    private readonly idle: () => boolean,
    private readonly settled: (() => boolean) | undefined,
  ) {
    // only a protocol that needs probes registers them (an event kind is part of every later kind's number)
    this.kProbe = protocol.quiescence === 'pending' ? engine.register('probe', () => this.probe()) : -1;
  }

  /**
   * Runs until quiescent or `maxTime`; true when quiescent. Probes (quiescence 'pending') count from `notBefore`
   * on (the scenario's last event), every `probeEvery` of virtual time. With `tick`, runs in slices of `every`
   * events and calls it between them (slicing never changes the order of events).
   */
  untilQuiescent(maxTime: Micros, tick: (() => void) | undefined, every: number, notBefore: Micros): boolean {
    if (this.protocol.quiescence === 'queue') {
      this.sliced(maxTime, tick, every, this.settled);
      return this.engine.queue.size === 0 || this.settled?.() === true;
    }
    this.idleAfter = notBefore;
    this.quiet = false;
    this.engine.after(this.protocol.probeEvery ?? SECOND, this.kProbe);
    this.sliced(maxTime, tick, every, () => this.quiet);
    return this.quiet || this.engine.queue.size === 0;
  }

  /** Runs every event up to and including time `t` (settled or not: a later call may bring news); the clock then reads `t`. */
  until(t: Micros, tick: (() => void) | undefined, every: number): void {
    this.sliced(t, tick, every, this.protocol.quiescence === 'pending' ? () => this.quiet : undefined);
    if (this.engine.now < t) this.engine.now = t;
  }

  private probe(): void {
    if (this.engine.now >= this.idleAfter && this.idle()) this.quiet = true;
    else this.engine.after(this.protocol.probeEvery ?? SECOND, this.kProbe);
  }

  private sliced(until: Micros, tick: (() => void) | undefined, every: number, stop: (() => boolean) | undefined): void {
    if (!tick) return this.engine.run(until, Infinity, stop);
    const q = this.engine.queue;
    while (q.size > 0 && q.peekTime() <= until && !(stop?.() ?? false)) {
      this.engine.run(until, every, stop);
      tick();
    }
  }
}
