import type { Rng } from '../core/rng.js';
import type { Micros } from '../core/units.js';

/** Link latency: a constant, or uniform in [lo, hi] drawn per message from the network's stream. */
export type Latency = { readonly constant: Micros } | { readonly uniform: readonly [Micros, Micros] };

export interface LinkModel {
  latency: Latency;
  /** bytes per second; Infinity for no serialisation delay */
  bandwidth: number;
  /** per-message processing delay at the receiver */
  processing: Micros;
}

/** One direction of a connection: FIFO, messages queue behind earlier ones for the wire. */
export class Channel {
  busyUntil: Micros = 0;
  lastArrival: Micros = 0;
}

/**
 * When a message of `bytes` sent now arrives: it waits for the wire (busyUntil), takes bytes/bandwidth to
 * serialise, then the latency; arrivals never overtake earlier ones on the same channel (FIFO).
 */
export function transit(now: Micros, bytes: number, ch: Channel, model: LinkModel, rng: Rng): Micros {
  const start = ch.busyUntil > now ? ch.busyUntil : now;
  const serial = model.bandwidth === Infinity ? 0 : Math.ceil((bytes * 1e6) / model.bandwidth);
  ch.busyUntil = start + serial;
  const lat = 'constant' in model.latency ? model.latency.constant : drawUniform(model.latency.uniform, rng);
  let arrival = ch.busyUntil + lat + model.processing;
  if (arrival < ch.lastArrival) arrival = ch.lastArrival;
  ch.lastArrival = arrival;
  return arrival;
}

function drawUniform([lo, hi]: readonly [Micros, Micros], rng: Rng): Micros {
  return lo + Math.floor(rng.next() * (hi - lo + 1));
}
