import type { Micros } from '../../core/units.js';
import { decodeWants } from '../bitvector.js';
import { BINS } from './bins.js';
import { Flight } from './flight.js';
import { Handler } from './handler.js';
import { BeeMsg, PLACEHOLDER, StreamKind, type Get, type Open, type Reset, type Syn, type Want } from './messages.js';
import type { BeeNode } from './node.js';
import type { BeePeer } from './peer.js';

/**
 * The serving side of pullsync (pkg/pullsync/pullsync.go): `cursorHandler` answers Syn with the reserve's
 * LastBinIDs and epoch; `handler` answers Get with a page (`makeOffer` -> `collectAddrs`, shared per
 * (bin, start) through the singleflight), Want with the chunks (`processWant`; a chunk it cannot read goes out
 * as a zero-address placeholder), after the per-peer rate limiter (`limiter.Wait`, at least one token).
 */
export class Server {
  /** the singleflight: pages being collected, by key start * BINS + bin */
  private flights = new Map<number, Flight>();
  /** per bin, the flights waiting for a put into it (SubscribeBin's trigger) */
  private parked: Flight[][] = Array.from({ length: BINS }, () => []);
  private spare: Flight[] = [];

  constructor(private readonly node: BeeNode) {}

  now(): Micros {
    return this.node.env.now();
  }

  timerAt(f: Flight, time: Micros): void {
    this.node.env.at(time, f, 0);
  }

  onOpen(peer: BeePeer, m: Open): void {
    peer.served.set(m.stream, new Handler(this, peer, m.stream, m.kind));
    this.node.send(peer, { type: BeeMsg.Opened, stream: m.stream });
  }

  onSyn(peer: BeePeer, m: Syn): void {
    const h = peer.served.get(m.stream);
    if (!h || h.kind !== StreamKind.Cursors || h.state !== 'opened') return;
    const reserve = this.node.reserve;
    this.finish(h);
    this.node.send(peer, { type: BeeMsg.Ack, stream: m.stream, cursors: reserve.lastBinIds(), epoch: reserve.epoch });
  }

  onGet(peer: BeePeer, m: Get): void {
    const h = peer.served.get(m.stream);
    if (!h || h.kind !== StreamKind.Pullsync || h.state !== 'opened') return;
    if (!(m.bin >= 0 && m.bin < BINS && m.start >= 0)) return this.node.drop(peer, `pullsync: Get of bin ${m.bin} from ${m.start}`);
    h.state = 'collecting';
    const key = m.start * BINS + m.bin;
    let f = this.flights.get(key);
    const joined = f !== undefined;
    if (!f) this.flights.set(key, (f = new Flight(this, key, m.bin, m.start)));
    h.flight = f;
    f.members.push(h);
    if (!joined) this.read(f);
  }

  onWant(peer: BeePeer, m: Want): void {
    const h = peer.served.get(m.stream);
    if (!h || h.state !== 'offered') return;
    const wanted = decodeWants(m.bits, h.offer.length);
    if (!wanted) return this.reset(h);
    const node = this.node;
    for (const i of wanted) {
      const c = h.offer[i]!;
      if (node.reserve.readable(c)) h.deliveries.push(c);
      else if (node.mutant('bee-4337')) {
        // before PR 4339: processWant fails, the handler forgets the singleflight key and resets the stream
        this.flights.delete(h.flight!.key);
        return this.reset(h);
      } else h.deliveries.push(PLACEHOLDER);
    }
    const opts = node.opts;
    const wait = peer.serverLimiter(opts.serverRate, opts.maxPage).take(Math.max(1, h.deliveries.length), node.env.now());
    if (wait === 0) return this.deliver(h);
    h.state = 'limiting';
    node.env.after(wait, h, ++h.token);
  }

  /** The opener reset its stream (its worker was cancelled): the handler ends, leaving its page. */
  onReset(peer: BeePeer, m: Reset): void {
    const h = peer.served.get(m.stream);
    if (h) this.finish(h);
  }

  deliver(h: Handler): void {
    this.finish(h);
    for (const c of h.deliveries) this.node.send(h.peer, { type: BeeMsg.Delivery, stream: h.stream, chunk: c });
  }

  /** A page is complete: every member gets the same Offer (an empty one ends its stream). */
  complete(f: Flight): void {
    this.end(f);
    for (const h of f.members) {
      if (h.state !== 'collecting') continue;
      h.offer = f.chunks;
      h.state = f.chunks.length === 0 ? 'done' : 'offered';
      if (h.state === 'done') h.peer.served.delete(h.stream);
      this.node.send(h.peer, { type: BeeMsg.Offer, stream: h.stream, topmost: f.topmost, chunks: f.chunks });
    }
  }

  /** A put into `bin` (reserveBinEvents): flights parked on it read on. Allocates nothing. */
  binGrew(bin: number): void {
    const list = this.parked[bin]!;
    if (list.length === 0) return;
    this.parked[bin] = this.spare;
    for (const f of list) f.parked = false;
    for (const f of list) if (!f.done) this.read(f);
    list.length = 0;
    this.spare = list;
  }

  /** The connection is gone: its handlers end (their pages go on for other members). */
  peerGone(peer: BeePeer): void {
    for (const h of peer.served.values()) this.finish(h);
  }

  /** The node stopped: every page is abandoned. */
  clear(): void {
    for (const f of this.flights.values()) f.done = true;
    for (const list of this.parked) for (const f of list) f.done = true;
    this.flights = new Map();
    this.parked = Array.from({ length: BINS }, () => []);
  }

  /** Why this server is not idle ('' when it only holds pages that wait for a first chunk). */
  pending(): string {
    for (const f of this.flights.values()) if (f.chunks.length > 0) return `page of bin ${f.bin} from ${f.start}`;
    for (const peer of this.node.peers.values()) {
      for (const h of peer.served.values()) if (h.state !== 'collecting') return `handler ${h.state} for peer ${peer.id}`;
    }
    return '';
  }

  /** SubscribeBin's iteration: entries from `next` on, each one resetting the page timer. */
  private read(f: Flight): void {
    const reserve = this.node.reserve;
    const max = this.node.opts.maxPage;
    const last = reserve.lastId(f.bin);
    const before = f.chunks.length;
    while (f.next <= last && f.chunks.length < max) {
      const c = reserve.at(f.bin, f.next);
      if (c >= 0) {
        f.chunks.push(c);
        f.topmost = f.next;
      }
      f.next++;
    }
    if (f.chunks.length >= max) return this.complete(f);
    if (f.chunks.length > before) {
      f.deadline = this.now() + this.node.opts.pageTimeout;
      if (!f.armed) {
        f.armed = true;
        this.node.env.after(this.node.opts.pageTimeout, f, 0);
      }
    }
    if (!f.parked) {
      f.parked = true;
      this.parked[f.bin]!.push(f);
    }
  }

  /** The flight leaves the singleflight and its bin. */
  private end(f: Flight): void {
    f.done = true;
    if (this.flights.get(f.key) === f) this.flights.delete(f.key);
    if (f.parked) {
      const list = this.parked[f.bin]!;
      list.splice(list.indexOf(f), 1);
      f.parked = false;
    }
  }

  /** A handler ends (stream closed); a page left without members is abandoned. */
  private finish(h: Handler): void {
    h.peer.served.delete(h.stream);
    const was = h.state;
    h.state = 'done';
    const f = h.flight;
    if (was !== 'collecting' || !f || f.done) return;
    if (f.members.every((m) => m.state !== 'collecting')) this.end(f);
  }

  /** The handler returns an error: the stream is reset. */
  private reset(h: Handler): void {
    this.finish(h);
    this.node.send(h.peer, { type: BeeMsg.Reset, stream: h.stream, byOpener: false });
  }
}
