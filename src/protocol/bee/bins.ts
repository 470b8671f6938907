/**
 * Bee's proximity: `swarm.Proximity` capped at `swarm.MaxPO` = 31, so a reserve has `swarm.MaxBins` = 32 bins
 * and the cursor list of an Ack has 32 entries (pkg/swarm/proximity.go). Chunk addresses are compared on their
 * first 32-bit word (the world's ChunkHeads), which decides every PO up to 31.
 */
export const MAX_PO = 31;
export const BINS = MAX_PO + 1;

/** PO of two addresses given by their first 32-bit words, capped at MAX_PO. */
export function proximity(headA: number, headB: number): number {
  const p = Math.clz32((headA ^ headB) >>> 0);
  return p > MAX_PO ? MAX_PO : p;
}

/** A peer's PO as the puller sees it (`EachConnectedPeerRev`'s bin): the 256-bit PO capped at MAX_PO. */
export function peerPO(po256: number): number {
  return po256 > MAX_PO ? MAX_PO : po256;
}
