/**
 * Kademlia depth as Swarm's depthForPot computes it (PROTOCOL.md §2.1), from the number of connected
 * peers in each proximity-order bin:
 *   n <= NS -> 0; radius = PO of the NS-th nearest peer; depth = min(radius, first empty bin below radius).
 */
export function depthFromBins(bins: ArrayLike<number>, maxBin: number, neighbourhoodSize: number): number {
  let total = 0;
  for (let b = 0; b <= maxBin; b++) total += bins[b]!;
  if (total <= neighbourhoodSize) return 0;
  let seen = 0;
  let radius = 0;
  for (let b = maxBin; b >= 0; b--) {
    seen += bins[b]!;
    if (seen >= neighbourhoodSize) {
      radius = b;
      break;
    }
  }
  for (let b = 0; b < radius; b++) if (bins[b] === 0) return b;
  return radius;
}

/** Depth from a plain list of peer proximity orders. */
export function depthFromPOs(pos: readonly number[], neighbourhoodSize: number): number {
  const bins = new Array<number>(257).fill(0);
  let max = 0;
  for (const p of pos) {
    bins[p]!++;
    if (p > max) max = p;
  }
  return depthFromBins(bins, max, neighbourhoodSize);
}
