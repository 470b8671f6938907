import { createRng, shuffle, type Rng } from '../core/rng.js';
import { UsageError, assert } from '../core/errors.js';
import { AddressTable, po256, WORDS } from './address.js';
import { depthFromBins } from './depth.js';
import type { Topology } from './topology.js';

export const MIN_GENERATED_NODES = 2;
export const MAX_GENERATED_NODES = 100_000;

export interface GenerateOptions {
  /** Kademlia NeighbourhoodSize for depth (PROTOCOL.md §2.1); default 2 as in Swarm. */
  neighbourhoodSize?: number;
  /**
   * How many connected peers a node dials for in each Kademlia bin; default 4. The hive's own target
   * (MinBinSize) is 2, but with 4 the generated 128- and 256-node networks match the real snapshots'
   * degrees and per-bin counts (docs/generator.md); the small real snapshots sit closer to 2.
   */
  binSize?: number;
}

/**
 * A random network wired like Swarm's hive leaves it. Deterministic in (nodes, seed, options): every draw comes
 * from `createRng(seed).fork('generate')`, addresses from its child `addresses` and dials from its child `dials`,
 * so changing `binSize` rewires the same addresses.
 *
 * 1. Overlays: node i gets 32 uniform random bytes (eight u32 draws, big-endian), in index order.
 * 2. Dials (the hive's bin saturation): the nodes are visited once each in a random order (a shuffle). A visited
 *    node n walks its non-empty Kademlia bins b = 0, 1, ... (PO256 bins: the nodes m with PO256(n, m) = b) and
 *    dials members of bin b in a uniformly random order, skipping peers it is already connected to, until it
 *    has `binSize` connected peers in bin b or has tried every member. Connections that other nodes dialled
 *    to n earlier count, so n dials at most `binSize` per bin, but a bin can end up with more peers: those
 *    that dialled n (the real snapshots show the same, up to 16 in a bin).
 * 3. Neighbourhood: every node n computes its depth from its connected peers (depthForPot, PROTOCOL.md §2.1)
 *    and connects to every node m with PO256(n, m) >= depth(n) that it is not yet connected to. New
 *    connections can only raise depths, so this pass is repeated (nodes in index order) until one adds
 *    nothing; then every node is connected to all nodes at or beyond the depth its final peers give it.
 * Connections are undirected, each pair once, listed as [a, b] with a < b in ascending order.
 * Cost: O(n log n) for sorting and bin ranges plus O(degree) per dial; 10 000 nodes take well under a second.
 */
export function generateTopology(nodes: number, seed: string | number, opts: GenerateOptions = {}): Topology {
  const neighbourhoodSize = opts.neighbourhoodSize ?? 2;
  const binSize = opts.binSize ?? 4;
  checkCount('--nodes', nodes, MIN_GENERATED_NODES, MAX_GENERATED_NODES);
  checkCount('--neighbourhood-size', neighbourhoodSize, 1, 256);
  checkCount('--bin-size', binSize, 1, MAX_GENERATED_NODES);
  const rng = createRng(seed).fork('generate');
  const addrs = drawAddresses(rng.fork('addresses'), nodes);
  const net = new Wiring(addrs, nodes);
  net.dialAll(rng.fork('dials'), binSize);
  net.fillNeighbourhoods(neighbourhoodSize);
  const ids = Array.from({ length: nodes }, (_, i) => addrs.hex(i));
  const opt = `binSize=${binSize} neighbourhoodSize=${neighbourhoodSize}`;
  return { addrs, ids, conns: net.pairs(), up: ids.map(() => true), source: `generated nodes=${nodes} seed=${seed} ${opt}` };
}

function checkCount(flag: string, v: number, min: number, max: number): void {
  if (!Number.isInteger(v) || v < min || v > max) {
    throw new UsageError('command line', flag, `an integer from ${min} to ${max}`, String(v));
  }
}

function drawAddresses(rng: Rng, nodes: number): AddressTable {
  const addrs = new AddressTable(nodes);
  const bytes = new Uint8Array(WORDS * 4);
  for (let i = 0; i < nodes; i++) {
    for (let k = 0; k < WORDS; k++) {
      const w = rng.u32();
      bytes[4 * k] = w >>> 24;
      bytes[4 * k + 1] = (w >>> 16) & 255;
      bytes[4 * k + 2] = (w >>> 8) & 255;
      bytes[4 * k + 3] = w & 255;
    }
    addrs.add(bytes);
  }
  return addrs;
}

/** Connections under construction, with the nodes sorted by address so every bin is one contiguous range. */
class Wiring {
  /** node indices in ascending address order */
  private readonly order: Int32Array;
  /** position of each node in `order` */
  private readonly rank: Int32Array;
  /** number of PO256 bins tracked per node: the largest PO between any two nodes, plus one */
  private readonly bins: number;
  /** connected peers per bin, row n = node n */
  private readonly counts: Uint32Array;
  private readonly adj: number[][];

  constructor(
    private readonly addrs: AddressTable,
    private readonly n: number,
  ) {
    this.order = Int32Array.from(sortedByAddress(addrs, n));
    this.rank = new Int32Array(n);
    this.order.forEach((node, k) => (this.rank[node] = k));
    let maxPo = 0;
    for (let k = 1; k < n; k++) maxPo = Math.max(maxPo, this.po(this.order[k - 1]!, this.order[k]!));
    assert(maxPo < 256, 'generated overlay addresses are distinct');
    this.bins = maxPo + 1;
    this.counts = new Uint32Array(n * this.bins);
    this.adj = Array.from({ length: n }, () => []);
  }

  dialAll(rng: Rng, binSize: number): void {
    const visit = shuffle(rng, Array.from({ length: this.n }, (_, i) => i));
    for (const node of visit) {
      // bin b = the (b)-bit prefix range minus the (b+1)-bit one, which lies on one side of it
      let [lo, hi] = [0, this.n];
      for (let b = 0; hi - lo > 1; b++) {
        const [innerLo, innerHi] = this.prefixRange(node, b + 1);
        const [start, end] = innerLo > lo ? [lo, innerLo] : [innerHi, hi];
        if (end > start) this.dialBin(rng, node, b, start, end, binSize);
        [lo, hi] = [innerLo, innerHi];
      }
    }
  }

  fillNeighbourhoods(neighbourhoodSize: number): void {
    for (let pass = 0; ; pass++) {
      assert(pass <= 257, 'neighbourhood filling converges (depths only grow)');
      let added = 0;
      for (let node = 0; node < this.n; node++) {
        const row = this.counts.subarray(node * this.bins, (node + 1) * this.bins);
        const [lo, hi] = this.prefixRange(node, depthFromBins(row, this.bins - 1, neighbourhoodSize));
        for (let k = lo; k < hi; k++) {
          const m = this.order[k]!;
          if (m !== node && !this.connected(node, m)) {
            this.connect(node, m);
            added++;
          }
        }
      }
      if (added === 0) return;
    }
  }

  /** All connections as [a, b], a < b, in ascending order. */
  pairs(): [number, number][] {
    const out: [number, number][] = [];
    this.adj.forEach((peers, a) => {
      const higher = peers.filter((b) => b > a).sort((x, y) => x - y);
      for (const b of higher) out.push([a, b]);
    });
    return out;
  }

  /** Dials members of bin b (sorted positions [start, end)) in a random order: a lazy Fisher-Yates shuffle. */
  private dialBin(rng: Rng, node: number, b: number, start: number, end: number, binSize: number): void {
    const size = end - start;
    const moved = new Map<number, number>();
    let have = this.counts[node * this.bins + b]!;
    for (let i = 0; i < size && have < binSize; i++) {
      const j = i + rng.int(size - i);
      const pick = moved.get(j) ?? j;
      moved.set(j, moved.get(i) ?? i);
      const peer = this.order[start + pick]!;
      if (!this.connected(node, peer)) {
        this.connect(node, peer);
        have++;
      }
    }
  }

  private po(a: number, b: number): number {
    return po256(this.addrs, a, this.addrs, b);
  }

  private connected(a: number, b: number): boolean {
    const pa = this.adj[a]!;
    const pb = this.adj[b]!;
    return pa.length <= pb.length ? pa.includes(b) : pb.includes(a);
  }

  private connect(a: number, b: number): void {
    const p = this.po(a, b);
    this.adj[a]!.push(b);
    this.adj[b]!.push(a);
    this.counts[a * this.bins + p]!++;
    this.counts[b * this.bins + p]!++;
  }

  /** Sorted positions [lo, hi) of the nodes sharing the first `bits` bits with `node` (node included). */
  private prefixRange(node: number, bits: number): [number, number] {
    const k = this.rank[node]!;
    const near = (pos: number): boolean => this.po(node, this.order[pos]!) >= bits;
    let lo = 0; // first position in [0, k] that is near: PO to node never decreases towards k
    let hi = k;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (near(mid)) hi = mid;
      else lo = mid + 1;
    }
    let a = k + 1; // first position after k that is not near
    let z = this.n;
    while (a < z) {
      const mid = (a + z) >>> 1;
      if (near(mid)) a = mid + 1;
      else z = mid;
    }
    return [lo, a];
  }
}

function sortedByAddress(addrs: AddressTable, n: number): number[] {
  const w = addrs.words;
  const idx = Array.from({ length: n }, (_, i) => i);
  return idx.sort((a, b) => {
    for (let k = 0; k < WORDS; k++) {
      const d = w[a * WORDS + k]! - w[b * WORDS + k]!;
      if (d !== 0) return d;
    }
    return 0;
  });
}
