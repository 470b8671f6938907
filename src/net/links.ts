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

/**
 * The two directions of a connection (0: a to b, 1: b to a), each FIFO: messages queue behind earlier ones for
 * the wire. Plain fields of the connection's own record, not an object per direction: the sender has the
 * connection in hand, and a second object is a second cache miss per message.
 */
export class Channels {
  busyUntil0: Micros = 0;
  lastArrival0: Micros = 0;
  busyUntil1: Micros = 0;
  lastArrival1: Micros = 0;
}

/**
 * When a message of `bytes` sent now in direction `d` arrives: it waits for the wire (busyUntil), takes
 * bytes/bandwidth to serialise, then the latency; arrivals never overtake earlier ones in that direction (FIFO).
 */
export function transit(now: Micros, bytes: number, ch: Channels, d: 0 | 1, model: LinkModel, rng: Rng): Micros {
  const busy = d === 0 ? ch.busyUntil0 : ch.busyUntil1;
  const start = busy > now ? busy : now;
  const serial = model.bandwidth === Infinity ? 0 : Math.ceil((bytes * 1e6) / model.bandwidth);
  const busyUntil = start + serial;
  const lat = 'constant' in model.latency ? model.latency.constant : drawUniform(model.latency.uniform, rng);
  let arrival = busyUntil + lat + model.processing;
  const last = d === 0 ? ch.lastArrival0 : ch.lastArrival1;
  if (arrival < last) arrival = last;
  if (d === 0) {
    ch.busyUntil0 = busyUntil;
    ch.lastArrival0 = arrival;
  } else {
    ch.busyUntil1 = busyUntil;
    ch.lastArrival1 = arrival;
  }
  return arrival;
}

function drawUniform([lo, hi]: readonly [Micros, Micros], rng: Rng): Micros {
  return lo + Math.floor(rng.next() * (hi - lo + 1));
}
