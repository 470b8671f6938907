import { depthFromBins } from '../topology/depth.js';

/**
 * The Go client's choice of whom to dial (network/kademlia.go at its last commit), as pure functions of one node's
 * table: which bins SuggestPeer looks in and in what order, and how many redials `callable` allows a known peer.
 * The hive (hive.ts) holds the table and the clock; these only compute.
 */

/** Kademlia's MaxBinSize: the most peers a bin is ever expected to hold. */
export const MAX_BIN_SIZE = 16;

/** expectedMinBinSize: MinBinSize plus one for every bin between `po` and depth, at most MaxBinSize. */
export function expectedBinSize(po: number, depth: number, minBinSize: number): number {
  return Math.min(MAX_BIN_SIZE, Math.max(minBinSize, minBinSize + depth - po - 1));
}

/** neighbourhoodRadiusForPot: the PO of the `ns`-th nearest connected peer; 0 with `ns` peers or fewer. */
export function radiusOf(bins: ArrayLike<number>, maxBin: number, size: number, ns: number): number {
  if (size <= ns) return 0;
  let seen = 0;
  for (let po = maxBin; po >= 0; po--) {
    seen += bins[po]!;
    if (seen >= ns) return po;
  }
  return 0;
}

/**
 * The bins SuggestPeer looks for a callable peer in, most wanted first: by how many peers the bin holds, fewest
 * first, then shallow to deep. `bins` counts the node's connected peers per 256-bit PO (deepest non-empty bin
 * `maxBin`, `size` in all); `nearest` is the PO of the nearest peer the node knows (connected or not), -1 if none.
 * As in Go: an empty bin shallower than the deepest connected one counts as holding 0 peers; a bin holding fewer
 * than expectedBinSize is wanted; from the first empty bin or the neighbourhood radius on every bin is wanted (it
 * counts as one short of full, so a node connects to all its neighbours); every bin from one past the deepest
 * connected one to `nearest` counts as empty.
 */
export function wantedBins(bins: ArrayLike<number>, maxBin: number, size: number, nearest: number, ns: number, minBinSize: number): number[] {
  const depth = depthFromBins(bins, maxBin, ns);
  const radius = radiusOf(bins, maxBin, size, ns);
  const ranked: number[] = [];
  const want = (held: number, po: number) => ranked.push(held * 512 + po);
  let lastPO = 0;
  let pastDepth = false;
  for (let po = 0; size > 0 && po <= maxBin; po++) {
    const held = bins[po]!;
    if (held === 0) continue;
    for (; lastPO < po; lastPO++) {
      pastDepth = true;
      want(0, lastPO);
    }
    lastPO = po + 1;
    if (po >= radius) pastDepth = true;
    const expected = expectedBinSize(po, depth, minBinSize);
    const counted = pastDepth && held >= expected ? expected - 1 : held;
    if (counted < expected) want(counted, po);
  }
  for (; lastPO <= Math.max(nearest, 0); lastPO++) want(0, lastPO);
  return ranked.sort((x, y) => x - y).map((r) => r % 512);
}

/**
 * callable's count of the redials allowed `delta` after a peer was last seen: how many times the interval fits
 * when `delta` is divided by `divisor` again and again (integer division, as Go's int64 nanoseconds).
 */
export function allowedRetries(delta: number, interval: number, divisor: number): number {
  let n = 0;
  for (let d = delta; d > interval; d = Math.floor(d / divisor)) n++;
  return n;
}

/**
 * How long after a peer was last seen `retries` redials may be allowed, at the smallest divisor the jitter can
 * draw: no earlier (with an integer divisor and no jitter, exactly then: allowedRetries(wait) === retries).
 */
export function retryWait(retries: number, interval: number, minDivisor: number): number {
  if (retries === 0) return 0;
  return Number.isInteger(minDivisor) ? (interval + 1) * minDivisor ** (retries - 1) : interval * minDivisor ** (retries - 1);
}
