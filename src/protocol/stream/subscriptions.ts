import { MAX_PO } from '../../topology/address.js';

/**
 * syncBins (PROTOCOL.md §4.1): the half-open range [start, end) of the peer's bins a node pulls from a peer
 * at capped PO `po`, given its own depth. A peer outside the neighbourhood gives only bin po; one inside
 * gives depth..16; with onlyWithinDepth, a peer outside gives nothing ([-1, -1]).
 */
export function syncBins(po: number, depth: number, onlyWithinDepth = false, max = MAX_PO): [number, number] {
  if (onlyWithinDepth && po < depth) return [-1, -1];
  if (po < depth) return [po, po + 1];
  return [depth, max + 1];
}

export function wantsBin(po: number, depth: number, bin: number, onlyWithinDepth = false): boolean {
  const [s, e] = syncBins(po, depth, onlyWithinDepth);
  return bin >= s && bin < e;
}

function range(s: number, e: number): number[] {
  const out: number[] = [];
  for (let i = s; i < e; i++) out.push(i);
  return out;
}

/**
 * syncSubscriptionsDiff (PROTOCOL.md §4.2) -> [subscribe, quit], faithful to Go including the -1 sentinel
 * that leaks when onlyWithinDepth is on and the previous range was empty (latent defect L5).
 */
export function subscriptionsDiff(po: number, prevDepth: number, newDepth: number, onlyWithinDepth = false, max = MAX_PO): [number[], number[]] {
  const [ns, ne] = syncBins(po, newDepth, onlyWithinDepth, max);
  if (prevDepth < 0) return [ns === ne ? [] : range(ns, ne), []];
  const [ps, pe] = syncBins(po, prevDepth, onlyWithinDepth, max);
  if (ns === ne) return [[], range(ps, pe)];
  const sub: number[] = [];
  const quit: number[] = [];
  if (ns < ps) sub.push(...range(ns, ps));
  if (ps < ns) quit.push(...range(ps, ns));
  if (ne < pe) quit.push(...range(ne, pe));
  if (pe < ne) sub.push(...range(pe, ne));
  return [sub, quit];
}
