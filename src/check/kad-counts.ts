import { po256, type AddressTable } from '../topology/address.js';
import { depthFromBins } from '../topology/depth.js';

/**
 * Each node's Kademlia bin counts and depth, built only from the world's connect/disconnect events (never the
 * nodes' own tables): the checkers' and the report's independent view of depth.
 */
export class KadCounts {
  /** each node's depth now */
  readonly depth: Int32Array;
  /** per node, 257 bins of connected peers by PO */
  private readonly kad: Uint16Array;
  private readonly kadOf: Uint16Array[];
  private readonly maxPo: Int32Array;

  constructor(
    private readonly addrs: AddressTable,
    n: number,
    private readonly neighbourhoodSize: number,
  ) {
    this.kad = new Uint16Array(n * 257);
    this.kadOf = Array.from({ length: n }, (_, i) => this.kad.subarray(i * 257, i * 257 + 257));
    this.maxPo = new Int32Array(n);
    this.depth = new Int32Array(n);
  }

  /** A connection between `a` and `b` came (d = 1) or went (d = -1): both nodes' depths follow. */
  count(a: number, b: number, d: 1 | -1): void {
    const po = po256(this.addrs, a, this.addrs, b);
    for (const x of [a, b]) {
      this.kad[x * 257 + po]! += d;
      if (d > 0 && po > this.maxPo[x]!) this.maxPo[x] = po;
      this.depth[x] = depthFromBins(this.kadOf[x]!, this.maxPo[x]!, this.neighbourhoodSize);
    }
  }
}
