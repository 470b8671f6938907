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
  // per node (small integer keys within a node, so the maps stay fast at 10k nodes):
  /** by peer, the cursors of the peer's last Ack */
  private readonly cursors: Map<number, readonly number[]>[];
  /** by stream: when it was opened, and its exchange once the Get is seen */
  private readonly opened: Map<number, Micros>[];
  private readonly exchanges: Map<number, Exchange>[];
  /** by peer * 32 + bin: a historical round that completed with chunks, not yet known to be added */
  private readonly done: Set<number>[];
  /** per node, the times of known historical adds, ascending by when they became known (pruned by age) */
  private readonly adds: Micros[][];

  constructor(
    n: number,
    /** the node refuses this chunk (its batch expired there) */
    private readonly refused: (node: number, chunk: number) => boolean,
  ) {
    this.adds = Array.from({ length: n }, () => []);
    this.cursors = Array.from({ length: n }, () => new Map());
    this.opened = Array.from({ length: n }, () => new Map());
    this.exchanges = Array.from({ length: n }, () => new Map());
    this.done = Array.from({ length: n }, () => new Set());
  }

  sent(from: number, to: number, m: BeeMessage, t: Micros): void {
    switch (m.type) {
      case BeeMsg.Ack:
        this.cursors[to]!.set(from, m.cursors);
        return;
      case BeeMsg.Open:
        if (m.kind === StreamKind.Pullsync) this.opened[from]!.set(m.stream, t);
        return;
      case BeeMsg.Get: {
        const cursor = this.cursors[from]!.get(to)?.[m.bin] ?? -1;
        const historical = m.start <= cursor;
        this.exchanges[from]!.set(m.stream, { peer: to, bin: m.bin, historical, wanted: -1, got: 0 });
        if (historical && this.done[from]!.delete(to * 32 + m.bin)) this.addAt(from, this.opened[from]!.get(m.stream) ?? t);
        return;
      }
      case BeeMsg.Want: {
        const x = this.exchanges[from]!.get(m.stream);
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
    const x = this.exchanges[node]!.get(stream);
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
    if (x.historical && x.got > 0) this.done[node]!.add(x.peer * 32 + x.bin);
  }

  private forget(node: number, stream: number): void {
    this.exchanges[node]!.delete(stream);
    this.opened[node]!.delete(stream);
  }

  private addAt(node: number, t: Micros): void {
    const list = this.adds[node]!;
    list.push(t);
    if (list.length > 64) list.splice(0, list.length - 64);
  }
}
