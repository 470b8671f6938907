import { below, drawAt, key, type Key, type Keyed } from '../core/keyed.js';
import type { Micros } from '../core/units.js';

/** Link latency: a constant, or uniform in [lo, hi] drawn per message (keyed by the link and the message's ordinal). */
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
 * The latency draws of one pair of nodes: per direction, its key prepared for the latency domain (Keyed.prepare)
 * and how many messages it has carried.
 */
export class LinkDraws {
  sent0 = 0;
  sent1 = 0;
  constructor(
    readonly prepared0: number,
    readonly prepared1: number,
  ) {}
}

/**
 * The latency draws of every pair of nodes, keyed by their addresses (`nodeKeys`, by node). Each pair's record is made
 * on its first connection and kept for the run: the ordinal runs over the pair's whole life, across reconnects, so a
 * reconnect does not replay the latencies the pair already drew (and connection epochs, numbered across all pairs,
 * never enter a draw).
 */
export class LatencyDraws {
  private readonly pairs = new Map<number, LinkDraws>();
  constructor(
    private readonly keyed: Keyed,
    private readonly nodeKeys: readonly Key[],
  ) {}

  /** The record of the pair (x, y), x < y, whose caller's number for it is `pair`: direction 0 is x to y. */
  pair(pair: number, x: number, y: number): LinkDraws {
    let d = this.pairs.get(pair);
    if (d === undefined) {
      d = new LinkDraws(this.keyed.prepare(this.linkKey(x, y)), this.keyed.prepare(this.linkKey(y, x)));
      this.pairs.set(pair, d);
    }
    return d;
  }

  /** The key of the direction `from` to `to`: both nodes' address keys, sender first. */
  linkKey(from: number, to: number): Key {
    const f = this.nodeKeys[from]!;
    const t = this.nodeKeys[to]!;
    return key(f.hi, f.lo, t.hi, t.lo);
  }

  /** The latency of message `ordinal` (from 0) from `from` to `to` under `model`: what transit draws for it. */
  latencyOf(from: number, to: number, ordinal: number, model: LinkModel): Micros {
    return latency(model.latency, this.keyed.prepare(this.linkKey(from, to)), ordinal);
  }
}

/**
 * When a message of `bytes` sent now in direction `d` arrives: it waits for the wire (busyUntil), takes
 * bytes/bandwidth to serialise, then the latency; arrivals never overtake earlier ones in that direction (FIFO).
 * Every message counts in its direction's ordinal, whatever the model, so a model change does not shift the draws.
 */
export function transit(now: Micros, bytes: number, ch: Channels, d: 0 | 1, model: LinkModel, draws: LinkDraws): Micros {
  const busy = d === 0 ? ch.busyUntil0 : ch.busyUntil1;
  const start = busy > now ? busy : now;
  const serial = model.bandwidth === Infinity ? 0 : Math.ceil((bytes * 1e6) / model.bandwidth);
  const busyUntil = start + serial;
  const ordinal = d === 0 ? draws.sent0++ : draws.sent1++;
  const l = model.latency;
  const lat = 'constant' in l ? l.constant : latency(l, d === 0 ? draws.prepared0 : draws.prepared1, ordinal);
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

/** The latency of message `ordinal` over a link direction (its prepared key): the constant, or its keyed draw. */
function latency(l: Latency, prepared: number, ordinal: number): Micros {
  if ('constant' in l) return l.constant;
  const [lo, hi] = l.uniform;
  return lo + below(drawAt(prepared, ordinal), hi - lo + 1);
}
