import { depthFromBins } from '../topology/depth.js';

const POS = 257; // PO256 values 0..256

/**
 * A node's Kademlia table of connected peers, as counts per 256-bit PO bin, with the depth kept up to date
 * incrementally on every connect and disconnect (PROTOCOL.md §2.1).
 */
export class Kademlia {
  private readonly bins = new Uint16Array(POS);
  private maxBin = 0;
  size = 0;
  depth = 0;

  constructor(readonly neighbourhoodSize = 2) {}

  /** A peer at PO `po` connected; returns true when the depth changed. */
  on(po: number): boolean {
    this.bins[po]!++;
    this.size++;
    if (po > this.maxBin) this.maxBin = po;
    return this.recompute();
  }

  /** A peer at PO `po` disconnected; returns true when the depth changed. */
  off(po: number): boolean {
    if (this.bins[po] === 0) throw new Error(`assertion failed: kademlia off() for an empty bin ${po}`);
    this.bins[po]!--;
    this.size--;
    while (this.maxBin > 0 && this.bins[this.maxBin] === 0) this.maxBin--;
    return this.recompute();
  }

  count(po: number): number {
    return this.bins[po]!;
  }

  /** Connected peers per PO, from 0 to the deepest non-empty bin. */
  binCounts(): number[] {
    return Array.from(this.bins.subarray(0, this.size === 0 ? 0 : this.maxBin + 1));
  }

  private recompute(): boolean {
    const d = depthFromBins(this.bins, this.maxBin, this.neighbourhoodSize);
    if (d === this.depth) return false;
    this.depth = d;
    return true;
  }
}
