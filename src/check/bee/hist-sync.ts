import type { Micros } from '../../core/units.js';
import { BeeMsg, StreamKind, type BeeMessage } from '../../protocol/bee/messages.js';

/** One exchange a node opened to sync a bin: who, which bin, historical or live, how many chunks it wanted and got. */
interface Exchange {
  peer: number;
  bin: number;
  historical: boolean;
  /** wanted in the Want (-1 before it), and valid chunks delivered since */
  wanted: number;
  got: number;
}

/**
 * The historical sync of each node as the wire shows it: the reserve worker may lower the radius only while the
 * puller's historical sync rate is zero (pkg/puller: SyncRate, the current and the previous window), and the
 * checker counts that rate itself, never asking the puller.
 *
 * A Get is historical when its start is at most the cursor of its bin in the last Ack the peer sent the node (a
 * live worker starts past the cursor). A historical exchange's chunks count once every wanted chunk has arrived:
 * its count is the chunks delivered and valid at the node (a batch the node saw expire is refused). The puller
 * adds the count when the round ends, and the worker's next round opens its stream at that same instant; so the
 * add's time is known exactly when the same (peer, bin) sends its next historical Get: the time its stream was
 * opened. Rounds after which a worker ended (nothing left below the cursor) give no next Get and are not counted:
 * the check is sound (it never blames a decrease wrongly), not complete.
 */
export class HistoricalSync {
  /** per node, the last Ack's cursors of each peer */
  private readonly cursors = new Map<number, readonly number[]>();
  /** per (node, stream): when it was opened, and its exchange once the Get is seen */
  private readonly opened = new Map<number, Micros>();
  private readonly exchanges = new Map<number, Exchange>();
  /** per (node, peer, bin): the last historical exchange that completed with chunks, not yet known to be added */
  private readonly done = new Map<number, number>();
  /** per node, the times of known historical adds, ascending by when they became known (pruned by age) */
  private readonly adds: Micros[][];

  constructor(
    private readonly n: number,
    /** the node refuses this chunk (its batch expired there) */
    private readonly refused: (node: number, chunk: number) => boolean,
  ) {
    this.adds = Array.from({ length: n }, () => []);
  }

  sent(from: number, to: number, m: BeeMessage, t: Micros): void {
    switch (m.type) {
      case BeeMsg.Ack:
        this.cursors.set(to * this.n + from, m.cursors);
        return;
      case BeeMsg.Open:
        if (m.kind === StreamKind.Pullsync) this.opened.set(this.key(from, m.stream), t);
        return;
      case BeeMsg.Get: {
        const cursor = this.cursors.get(from * this.n + to)?.[m.bin] ?? -1;
        const historical = m.start <= cursor;
        const key = this.key(from, m.stream);
        this.exchanges.set(key, { peer: to, bin: m.bin, historical, wanted: -1, got: 0 });
        if (!historical) return;
        const worker = (from * this.n + to) * 32 + m.bin;
        const count = this.done.get(worker);
        if (count !== undefined) {
          this.done.delete(worker);
          this.addAt(from, this.opened.get(key) ?? t);
        }
        return;
      }
      case BeeMsg.Want: {
        const x = this.exchanges.get(this.key(from, m.stream));
        if (!x) return;
        let wanted = 0;
        for (const byte of m.bits) for (let b = byte; b !== 0; b &= b - 1) wanted++;
        x.wanted = wanted;
        this.complete(from, m.stream, x);
        return;
      }
      case BeeMsg.Reset:
        // an exchange reset by either side puts nothing
        this.forget(m.byOpener ? from : to, m.stream);
        return;
    }
  }

  /** A chunk of a Delivery reached `node` on its stream `stream`. */
  arrived(node: number, chunk: number, stream: number): void {
    const x = this.exchanges.get(this.key(node, stream));
    if (!x || x.wanted < 0) return;
    if (!this.refused(node, chunk)) x.got++;
    this.complete(node, stream, x);
  }

  /** Some historical round of `node` added chunks to its rate in [from, to) (both window-aligned by the caller). */
  addedWithin(node: number, from: Micros, to: Micros): boolean {
    return this.adds[node]!.some((t) => t >= from && t < to);
  }

  private complete(node: number, stream: number, x: Exchange): void {
    if (x.got < x.wanted) return;
    this.forget(node, stream);
    if (x.historical && x.got > 0) this.done.set((node * this.n + x.peer) * 32 + x.bin, x.got);
  }

  private forget(node: number, stream: number): void {
    const key = this.key(node, stream);
    this.exchanges.delete(key);
    this.opened.delete(key);
  }

  private addAt(node: number, t: Micros): void {
    const list = this.adds[node]!;
    list.push(t);
    if (list.length > 64) list.splice(0, list.length - 64);
  }

  private key(node: number, stream: number): number {
    return stream * this.n + node;
  }
}
