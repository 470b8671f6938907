import { EventQueue } from './queue.js';
import { Fingerprint } from './fingerprint.js';
import type { Micros } from './units.js';

/** A handler for one event kind, registered once; events carry records, not closures. */
export type Handler = (a: number, b: number, c: number, payload: unknown) => void;

/** An optional recorder of every processed event (for --trace and divergence reports). */
export interface EventSink {
  event(time: Micros, kind: number, a: number, b: number, c: number): void;
}

/**
 * The virtual clock and the event loop. Time only moves when an event is processed; ties are broken by
 * insertion sequence. Every processed event feeds the run's fingerprint.
 */
export class Engine {
  now: Micros = 0;
  processed = 0;
  readonly queue = new EventQueue();
  readonly fingerprint = new Fingerprint();
  sink: EventSink | undefined;
  private readonly handlers: Handler[] = [];
  private readonly names: string[] = [];
  /** the queue lane of each timer delay seen so far (-1: no lane left, the heap) */
  private readonly lanes = new Map<Micros, number>();
  private lastDelay = -1;
  private lastLane = -1;

  /** Registers the handler for a new event kind and returns the kind's number. */
  register(name: string, handler: Handler): number {
    this.handlers.push(handler);
    this.names.push(name);
    return this.handlers.length - 1;
  }

  kindName(kind: number): string {
    return this.names[kind] ?? `kind${kind}`;
  }

  at(time: Micros, kind: number, a = 0, b = 0, c = 0, payload?: unknown): void {
    if (!(time >= this.now)) throw new Error(`assertion failed: event scheduled in the past (${time} < ${this.now})`);
    this.queue.push(time, kind, a, b, c, payload);
  }

  /**
   * Schedules `delay` from now. Events of one delay come due in the order they were scheduled, so each
   * distinct delay (the first few the run uses) gets a FIFO lane of the queue instead of a heap entry.
   */
  after(delay: Micros, kind: number, a = 0, b = 0, c = 0, payload?: unknown): void {
    if (!(delay >= 0)) throw new Error(`assertion failed: event scheduled in the past (delay ${delay})`);
    if (delay !== this.lastDelay) {
      let lane = this.lanes.get(delay);
      if (lane === undefined) this.lanes.set(delay, (lane = this.queue.addLane()));
      this.lastDelay = delay;
      this.lastLane = lane;
    }
    this.queue.push(this.now + delay, kind, a, b, c, payload, this.lastLane);
  }

  /**
   * Processes events in order until the queue is empty, the next event is later than `until`,
   * `limit` events were processed or `stop()` returns true (checked every event).
   */
  run(until: Micros = Infinity, limit = Infinity, stop?: () => boolean): void {
    const q = this.queue;
    const handlers = this.handlers;
    const fp = this.fingerprint;
    let n = 0;
    while (n < limit && q.popUntil(until)) {
      this.now = q.time;
      fp.event(q.time, q.kind, q.a, q.b, q.c);
      if (this.sink) this.sink.event(q.time, q.kind, q.a, q.b, q.c);
      n++;
      handlers[q.kind]!(q.a, q.b, q.c, q.payload);
      if (stop && stop()) break;
    }
    this.processed += n;
    if (q.size > 0 && q.peekTime() > until && until > this.now) this.now = until;
  }
}
