import type { Int32Arena } from '../../core/arena.js';
import { grown } from '../../core/grown.js';
import { IntTable } from '../../core/inttable.js';

/**
 * The GetRanges each client has sent and not yet seen answered, as the discipline checker tracks them from the
 * wire. A 10k-node run keeps about a million open at once, so a request is a row of typed columns (recycled
 * through a free list), not an object, and each client has two integer hash tables into the rows (made when
 * first needed, in the world's arena when given one):
 * - by (server, bin, kind) key: the latest request for that stream, to spot a second one while it is open;
 * - by ruid / 2 (a uint32 ruid does not fit an int32 key): the requests with that key, a chain through `next`
 *   (two servers may see the same ruid, two ruids may halve alike), to find the request an answer closes.
 */
export class OpenRanges {
  private cap = 1024;
  private ruid: Float64Array = new Float64Array(this.cap);
  private server: Int32Array = new Int32Array(this.cap);
  private key: Int32Array = new Int32Array(this.cap);
  private from: Float64Array = new Float64Array(this.cap);
  private to: Float64Array = new Float64Array(this.cap);
  private next: Int32Array = new Int32Array(this.cap);
  private readonly free: number[] = [];
  private rows = 0;
  private readonly byKey: (IntTable | undefined)[];
  private readonly byRuid: (IntTable | undefined)[];

  constructor(
    clients: number,
    private readonly arena?: Int32Arena,
  ) {
    this.byKey = new Array<undefined>(clients).fill(undefined);
    this.byRuid = new Array<undefined>(clients).fill(undefined);
  }

  /** The ruid of the client's open request for `key`, or -1. */
  openRuid(client: number, key: number): number {
    const r = this.byKey[client]?.get(key) ?? -1;
    return r < 0 ? -1 : this.ruid[r]!;
  }

  /** The client sent a GetRange: it becomes the open request of its key. */
  open(client: number, server: number, key: number, ruid: number, from: number, to: number): void {
    const r = this.row();
    this.ruid[r] = ruid;
    this.server[r] = server;
    this.key[r] = key;
    this.from[r] = from;
    this.to[r] = to;
    let keys = this.byKey[client];
    if (!keys) this.byKey[client] = keys = new IntTable(this.arena);
    keys.set(key, r);
    let ruids = this.byRuid[client];
    if (!ruids) this.byRuid[client] = ruids = new IntTable(this.arena);
    this.next[r] = ruids.set(half(ruid), r);
  }

  /**
   * An answer with `ruid` from `server` reached the client: closes the request it answers and returns what
   * it asked for through `out` ([from, to, key], to = Infinity for live); false when none was open.
   */
  close(client: number, server: number, ruid: number, out: [number, number, number]): boolean {
    const r = this.unchain(client, server, ruid);
    if (r < 0) return false;
    out[0] = this.from[r]!;
    out[1] = this.to[r]!;
    out[2] = this.key[r]!;
    const keys = this.byKey[client]!;
    if (keys.get(this.key[r]!) === r) keys.delete(this.key[r]!);
    this.free.push(r);
    return true;
  }

  /** The connection went down: the client's open requests for these keys are forgotten (never answered). */
  forget(client: number, keys: readonly number[]): void {
    const byKey = this.byKey[client];
    if (!byKey) return;
    for (const key of keys) {
      const r = byKey.get(key);
      if (r < 0) continue;
      byKey.delete(key);
      if (this.unchain(client, this.server[r]!, this.ruid[r]!) === r) this.free.push(r);
    }
  }

  /** Takes the request (server, ruid) off the client's ruid chain; returns its row or -1. */
  private unchain(client: number, server: number, ruid: number): number {
    const ruids = this.byRuid[client];
    if (!ruids) return -1;
    const h = half(ruid);
    let prev = -1;
    for (let r = ruids.get(h); r >= 0; prev = r, r = this.next[r]!) {
      if (this.server[r] !== server || this.ruid[r] !== ruid) continue;
      const next = this.next[r]!;
      if (prev >= 0) this.next[prev] = next;
      else if (next >= 0) ruids.set(h, next);
      else ruids.delete(h);
      return r;
    }
    return -1;
  }

  private row(): number {
    const r = this.free.pop();
    if (r !== undefined) return r;
    if (this.rows === this.cap) this.grow();
    return this.rows++;
  }

  private grow(): void {
    const cap = this.cap * 2;
    this.ruid = grown(this.ruid, cap);
    this.server = grown(this.server, cap);
    this.key = grown(this.key, cap);
    this.from = grown(this.from, cap);
    this.to = grown(this.to, cap);
    this.next = grown(this.next, cap);
    this.cap = cap;
  }
}

/** A uint32 ruid as a non-negative int32 key (ruids that differ only in the lowest bit share a chain). */
const half = (ruid: number): number => Math.floor(ruid / 2);
