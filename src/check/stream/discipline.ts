import type { Micros } from '../../core/units.js';
import { LIVE, MsgType, type Message } from '../../protocol/stream/messages.js';
import { po16 } from '../../topology/address.js';
import type { WorldObserver } from '../../sim/observer.js';
import type { CheckWorld } from '../view.js';
import { Int32List } from '../../core/int32list.js';
import { KadCounts } from '../kad-counts.js';
import { OpenRanges } from './ranges.js';
import { PairIndex, SEEN } from '../pairs.js';
import { Breaches, type Breach } from '../properties.js';
import type { WireMessage } from '../../protocol/api.js';

const BINS = 17;

/**
 * Watches what the transport carries and what the stores take, with its own Kademlia counts built from the
 * world's connect/disconnect events (never the nodes' tables):
 * - exclusion (C3): a node stored a chunk delivered over a stream it does not want at that moment
 *   (bin not in syncBins(PO(peer, node), depth(node)));
 * - range (C7): a client sent a GetRange for (peer, bin, kind) while an earlier one was still unanswered;
 * - offer (C6): an OfferedHashes carries more than batchSize hashes, or a hash whose bin ID (numbered here from
 *   the stores' own events, in order) lies outside the GetRange's [From, To].
 */
export class Discipline implements WorldObserver {
  /** each node's depth, from the world's connect/disconnect events */
  private readonly kad: KadCounts;
  /** per client, the GetRanges sent and not yet answered */
  private readonly ranges: OpenRanges;
  /** what an answered request asked for: from, to, key (reused: this runs for every answer) */
  private readonly asked: [number, number, number] = [0, 0, 0];
  // bin IDs as this observer numbers them: per (node, bin), the n-th store is ID n (byId below)
  // a pair's SEEN flag: this observer saw it stored (a second store renumbers it)
  /**
   * per (node, bin): bin ID - 1 -> chunk, -1 once the chunk was stored again under a later ID, so a chunk's
   * position is its last bin ID. An offer, whose hashes come in ID order, is checked by one forward walk over
   * adjacent memory rather than a lookup per hash (the run's most cache-missing checker step).
   */
  private readonly byId: (Int32List | undefined)[];
  /**
   * the chunks of the ChunkDelivery being dispatched (node, from and ruid identify it), -1 once stored: a
   * reused array, not a Map cleared per delivery (this runs for every chunk delivered); the node stores them
   * in this order, so `deliveringNext` usually finds the next one at once
   */
  private readonly delivering: number[] = [];
  private deliveringCount = 0;
  private deliveringNext = 0;
  private deliveringNode = -1;
  private deliveringFrom = -1;
  private deliveringRuid = -1;

  constructor(
    private readonly world: CheckWorld,
    neighbourhoodSize: number,
    private readonly onlyWithinDepth: boolean,
    private readonly batchSize: number,
    /** the (node, chunk) pair records (shared with the recorder when the runner builds both) */
    private readonly pairs = new PairIndex(world.nodes.length, world.arena),
    /** where its breaches go (shared with the other checkers: one list in the order things happened) */
    readonly breaches = new Breaches(),
  ) {
    const n = world.nodes.length;
    this.kad = new KadCounts(world.topology.addrs, n, neighbourhoodSize);
    this.ranges = new OpenRanges(n, world.arena);
    this.byId = new Array<undefined>(n * BINS).fill(undefined);
  }

  connected(a: number, b: number): void {
    this.kad.count(a, b, 1);
  }

  disconnected(a: number, b: number): void {
    this.kad.count(a, b, -1);
    for (const [x, y] of [[a, b], [b, a]] as const) {
      const keys: number[] = [];
      for (let bin = 0; bin < BINS; bin++) for (const live of [0, 1]) keys.push(this.key(y, bin, live));
      this.ranges.forget(x, keys);
    }
  }

  sent(from: number, to: number, wire: WireMessage, _bytes: number, t: Micros): void {
    const m = wire as Message;
    if (m.type === MsgType.GetRange) {
      const live = m.to === LIVE ? 1 : 0;
      const key = this.key(to, m.bin, live);
      const prev = this.ranges.openRuid(from, key);
      if (prev >= 0) {
        this.add({ kind: 'range', node: from, at: t, detail: `node ${from} sent a second ${live ? 'live' : 'history'} GetRange for SYNC|${m.bin} of node ${to} (ruid ${m.ruid}) while ruid ${prev} was unanswered` });
      }
      this.ranges.open(from, to, key, m.ruid, m.from, m.to === LIVE ? Infinity : m.to);
    } else if (m.type === MsgType.OfferedHashes || m.type === MsgType.BatchDone || m.type === MsgType.StreamState) {
      const asked = this.asked;
      if (!this.ranges.close(to, from, m.ruid, asked)) return;
      if (m.type === MsgType.OfferedHashes) this.checkOffer(from, to, m.ruid, m.hashes, asked[0], asked[1], (asked[2] >> 1) % BINS, t);
    }
  }

  arrived(node: number, chunk: number, from: number, ruid: number): void {
    if (node !== this.deliveringNode || from !== this.deliveringFrom || ruid !== this.deliveringRuid) {
      this.deliveringCount = 0;
      this.deliveringNext = 0;
      this.deliveringNode = node;
      this.deliveringFrom = from;
      this.deliveringRuid = ruid;
    }
    this.delivering[this.deliveringCount++] = chunk;
  }

  private checkOffer(server: number, client: number, ruid: number, hashes: readonly number[], from: number, to: number, bin: number, t: Micros): void {
    if (hashes.length > this.batchSize) {
      this.add({ kind: 'offer', node: server, at: t, detail: `node ${server} offered ${hashes.length} hashes (ruid ${ruid}) to node ${client}, more than the batch size ${this.batchSize}` });
    }
    const list = this.byId[server * BINS + bin];
    let next = from; // the walk's next bin ID
    for (const c of hashes) {
      // fast: c is at a bin ID in [next, to] of the requested bin (IDs are positions + 1)
      const i = list ? list.indexOf(c, next - 1, Math.min(to, list.length) - 1) : -1;
      if (i >= 0) {
        next = i + 2;
        continue;
      }
      // otherwise (out of order, another bin, or a breach) the chunk's last bin ID decides
      const id = this.lastBinId(server, c);
      if (id >= 0 && id >= from && id <= to) continue;
      const range = `[${from}, ${to === Infinity ? 'live' : to}]`;
      this.add({ kind: 'offer', node: server, chunk: c, at: t, detail: `node ${server} offered bin ID ${id >= 0 ? id : '?'} to node ${client} (ruid ${ruid}) for GetRange ${range}` });
      return;
    }
  }

  /** A store of a chunk of the delivery being dispatched at that node is that delivery being taken. */
  stored(node: number, chunk: number, t: Micros): void {
    const w = this.world;
    const slot = this.slotOf(node, chunk);
    const v = this.pairs.ensure(node, chunk);
    let list = this.byId[slot];
    if (!list) this.byId[slot] = list = new Int32List(w.arena);
    // stored again (only after a removal): its old bin ID is no longer its last
    if ((v & SEEN) !== 0) {
      const old = list.indexOf(chunk, 0, list.length - 1);
      if (old >= 0) list.set(old, -1);
    } else this.pairs.put(node, chunk, v | SEEN);
    list.push(chunk);
    if (node !== this.deliveringNode || !this.takeDelivering(chunk)) return;
    const from = this.deliveringFrom;
    const addrs = w.topology.addrs;
    const bin = po16(addrs.head(from), w.chunks.head(chunk));
    const po = po16(addrs.head(node), addrs.head(from));
    const depth = this.kad.depth[node]!;
    const wanted = this.onlyWithinDepth && po < depth ? false : po < depth ? bin === po : bin >= depth;
    if (!wanted) {
      this.add({ kind: 'exclusion', node, chunk, at: t, detail: `node ${node} (depth ${depth}) stored a chunk of SYNC|${bin} from node ${from} (PO ${po}), a stream it does not want` });
    }
  }

  /** The bin ID under which `node` last stored `chunk` (as this observer numbers them), or -1. */
  private lastBinId(node: number, chunk: number): number {
    const list = this.byId[this.slotOf(node, chunk)];
    const i = list ? list.indexOf(chunk, 0, list.length - 1) : -1;
    return i < 0 ? -1 : i + 1;
  }

  /** The (node, bin) index of the node's bin the chunk falls in: bin = PO16(node, chunk). */
  private slotOf(node: number, chunk: number): number {
    const w = this.world;
    return node * BINS + po16(w.topology.addrs.head(node), w.chunks.head(chunk));
  }

  /** Removes `chunk` from the delivery being dispatched; false when it is not (or no longer) in it. */
  private takeDelivering(chunk: number): boolean {
    const xs = this.delivering;
    for (let k = 0; k < this.deliveringCount; k++) {
      const i = (this.deliveringNext + k) % this.deliveringCount;
      if (xs[i] !== chunk) continue;
      xs[i] = -1;
      if (i === this.deliveringNext) this.deliveringNext = (i + 1) % this.deliveringCount;
      return true;
    }
    return false;
  }

  /** key of a client's open range with `server` for (bin, kind) */
  private key(server: number, bin: number, live: number): number {
    return (server * BINS + bin) * 2 + live;
  }

  private add(b: Breach): void {
    this.breaches.add(b);
  }
}
