import { lowerBound, upperBound } from '../core/sorted.js';
import { formatMicros, type Micros } from '../core/units.js';
import { closer, po256 } from '../topology/address.js';
import { depthFromBins, depthFromPOs } from '../topology/depth.js';
import type { CheckWorld } from './view.js';
import type { Arrival, Duplicate, Recorder } from './checker.js';
import type { Breaches, ProtocolChecks } from './properties.js';

/** The neutral checkers' kinds, and the protocol's own breach kinds (stream!: exclusion, range, offer; Bee: radius, ...). */
export type ViolationKind = 'missing' | 'duplicate' | 'liveness' | 'drop' | 'vacuous' | (string & Record<never, never>);

export interface Violation {
  kind: ViolationKind;
  /** chunk / node as integer ids; hex at the edges */
  chunk?: number;
  node?: number;
  at: Micros;
  detail: string;
}

export interface ChunkFacts {
  chunk: number;
  origin: number;
  /** the up nodes holding it at the end, ascending (a view of one array shared by all chunks' facts) */
  holders: Int32Array;
  /** nodes with PO256(n, c) >= depth(n) at the end */
  aor: number;
  aorHeld: number;
  deliveries: number;
  /** Go TestSyncingViaGlobalSync's oracle ({closest} + its global NN set): how many expected, how many hold it */
  goOracle: { expected: number; reached: number } | undefined;
}

export interface Verdict {
  pass: boolean;
  violations: Violation[];
  /** more violations of a kind than were listed */
  truncated: Partial<Record<ViolationKind, number>>;
  /** each node's Kademlia depth at the end, from its live links */
  depths: number[];
  /** each node's responsibility threshold at the end (its protocol's rule: stream! its depth, Bee its radius) */
  thresholds: number[];
  chunks: ChunkFacts[];
  aorPairs: number;
  aorHeld: number;
  redundancy: number;
  duplicates: number;
  drops: number;
  convergenceMicros: Micros;
  quiescent: boolean;
  /** every (chunk, AoR node) pair at the end, and when the node stored the chunk (-1 if it does not hold it) */
  pairs: { node: Int32Array; chunk: Int32Array; storedAt: Float64Array };
}

export interface VerdictOptions {
  quiescent: boolean;
  maxTime: Micros;
  /** duplicates tolerated before exactly-once counts as violated */
  maxDuplicates: number;
  /** protocol drops tolerated (expected ones, e.g. the Go live-gap tests) */
  maxDrops: number;
  /** cap on listed violations per kind */
  listLimit?: number;
  neighbourhoodSize: number;
  /** the liveness phase: every AoR pair must be held by this time (last fault + bound) */
  convergeBy?: Micros | undefined;
  /** list each chunk's holders (ChunkFacts.holders; otherwise empty, and only counted). Default true. */
  holders?: boolean;
  /** what a node's responsibility threshold is called in violations (stream!: depth; Bee: radius) */
  thresholdName?: string;
  /** fewer (chunk, AoR node) pairs than this is a `vacuous` violation (the scenario's expect.minAorPairs) */
  minAorPairs?: number;
  /** what a duplicate's copies name their exchange by: stream!'s stream and ruid (default), or Bee's `stream` id */
  exchange?: 'ruid' | 'stream';
}

/** Each node's depth computed from the world's live connections (not from the nodes' own tables). */
export function observedDepths(world: CheckWorld, neighbourhoodSize: number): number[] {
  const n = world.nodes.length;
  const bins = Array.from({ length: n }, () => new Uint16Array(257));
  const max = new Int32Array(n);
  const t = world.topology;
  for (const [a, b] of world.links()) {
    const po = po256(t.addrs, a, t.addrs, b);
    bins[a]![po]!++;
    bins[b]![po]!++;
    if (po > max[a]!) max[a] = po;
    if (po > max[b]!) max[b] = po;
  }
  return bins.map((bs, i) => depthFromBins(bs, max[i]!, neighbourhoodSize));
}

/**
 * The verdict over a finished run: replication (every up node n with PO(n,c) >= threshold(n) holds c, the threshold
 * by its protocol's rule, unless a removal or the protocol's rules excuse the pair), exactly-once (no delivery to a node that already held the chunk, beyond the bound),
 * liveness (quiescent before maxTime, converged within the bound), and every breach the checkers saw (drops beyond
 * their bound, and each of the protocol's own properties).
 */
export function judge(world: CheckWorld, rec: Recorder, breaches: Breaches, protocol: Pick<ProtocolChecks, 'thresholds' | 'excused'>, o: VerdictOptions): Verdict {
  const thresholds = protocol.thresholds(world);
  const limit = o.listLimit ?? 200;
  const n = world.nodes.length;
  const depths = observedDepths(world, o.neighbourhoodSize);
  const violations: Violation[] = [];
  const counts: Partial<Record<ViolationKind, number>> = {};
  const add = (v: Violation) => {
    counts[v.kind] = (counts[v.kind] ?? 0) + 1;
    if (counts[v.kind]! <= limit) violations.push(v);
  };
  const candidates = new AorIndex(world, thresholds);
  const chunks: ChunkFacts[] = [];
  let aorPairs = 0;
  let aorHeld = 0;
  let holdersTotal = 0;
  let convergence = 0;
  const pNode: number[] = [];
  const pChunk: number[] = [];
  const pAt: number[] = [];
  const oracle = new GoOracle(world, o.neighbourhoodSize);
  const holdersOf = holdersByChunk(world, rec, o.holders ?? true);
  for (const [chunk, origin] of rec.origin) {
    const removedAt = rec.removedAt.get(chunk);
    const holders = holdersOf.list(chunk);
    const holderCount = holdersOf.count(chunk);
    holdersTotal += holderCount;
    let aor = 0;
    let held = 0;
    const gone = removedAt !== undefined && holderCount === 0;
    for (const node of candidates.of(chunk)) {
      if (!world.up[node] || removedAt?.has(node) || gone || protocol.excused?.(node, chunk)) continue;
      aor++;
      pNode.push(node);
      pChunk.push(chunk);
      if (rec.holders[node]!.has(chunk)) {
        held++;
        const t = rec.storedAt.get(chunk * n + node) ?? 0;
        pAt.push(t);
        if (t > convergence) convergence = t;
      } else {
        pAt.push(-1);
        add({ kind: 'missing', chunk, node, at: world.now, detail: `${o.thresholdName ?? 'depth'} ${thresholds[node]}, PO ${po256(world.topology.addrs, node, world.chunks, chunk)}` });
      }
    }
    aorPairs += aor;
    aorHeld += held;
    chunks.push({ chunk, origin, holders, aor, aorHeld: held, deliveries: rec.deliveries.get(chunk) ?? 0, goOracle: oracle.check(chunk, rec) });
  }
  for (const d of rec.duplicates) add(duplicateViolation(d, o.exchange ?? 'ruid'));
  for (const b of breaches.list) add({ kind: b.kind, node: b.node, ...(b.chunk !== undefined ? { chunk: b.chunk } : {}), at: b.at, detail: b.detail });
  for (const [k, c] of Object.entries(breaches.counts)) if (c > (counts[k] ?? 0)) counts[k] = c;
  const dupExcess = rec.duplicateCount > o.maxDuplicates;
  if (rec.duplicateCount > rec.duplicates.length) counts.duplicate = rec.duplicateCount;
  if (!o.quiescent) {
    add({
      kind: 'liveness',
      at: world.now,
      detail: `not quiescent at maxTime ${formatMicros(o.maxTime)}: ${world.engine.queue.size} events pending, ${aorPairs - aorHeld} (chunk, AoR node) pairs missing`,
    });
  }
  if (o.convergeBy !== undefined && (convergence > o.convergeBy || aorHeld < aorPairs)) {
    add({
      kind: 'liveness',
      at: world.now,
      detail: `not converged by ${formatMicros(o.convergeBy)} (the liveness bound after the last fault): ${aorHeld < aorPairs ? `${aorPairs - aorHeld} (chunk, AoR node) pairs still missing` : `the last AoR pair arrived at ${formatMicros(convergence)}`}`,
    });
  }
  if (aorPairs < (o.minAorPairs ?? 0)) {
    add({ kind: 'vacuous', at: world.now, detail: `only ${aorPairs} (chunk, AoR node) pairs to check, fewer than expect.minAorPairs (${o.minAorPairs})` });
  }
  const truncated: Partial<Record<ViolationKind, number>> = {};
  for (const [k, c] of Object.entries(counts) as [ViolationKind, number][]) if (c > violations.filter((v) => v.kind === k).length) truncated[k] = c;
  // every kind fails the run but drops within their bound and duplicates within theirs
  const pass = Object.entries(counts).every(([k, c]) => k === 'duplicate' || !c || (k === 'drop' && c <= o.maxDrops)) && !dupExcess;
  return {
    pass,
    violations,
    truncated,
    depths,
    thresholds,
    chunks,
    aorPairs,
    aorHeld,
    redundancy: holdersTotal - aorHeld,
    duplicates: rec.duplicateCount,
    drops: breaches.count('drop'),
    convergenceMicros: convergence,
    quiescent: o.quiescent,
    pairs: { node: Int32Array.from(pNode), chunk: Int32Array.from(pChunk), storedAt: Float64Array.from(pAt) },
  };
}

function duplicateViolation(d: Duplicate, exchange: 'ruid' | 'stream'): Violation {
  const via = (a: Arrival) => (exchange === 'ruid' ? `SYNC|${a.bin}, ruid ${a.ruid}` : `stream ${a.ruid}`);
  const first = d.first ? `first from node ${d.first.from} (${via(d.first)}) at ${formatMicros(d.first.at)}` : 'first by upload';
  return {
    kind: 'duplicate',
    chunk: d.chunk,
    node: d.node,
    at: d.at,
    detail: `again from node ${d.second.from} (${via(d.second)}); ${first}`,
  };
}

/**
 * Each chunk's up holders, ascending: one Int32Array of every (chunk, holder) pair grouped by chunk (two passes
 * over the recorder's tables: count, then place), not an array per chunk. A 10k-node run holds tens of millions of
 * pairs; as JS arrays they were the largest thing alive at the end of a run (docs/bench.md). Without `lists`,
 * only the counts (the lists are then empty).
 */
function holdersByChunk(world: CheckWorld, rec: Recorder, lists: boolean): { count(chunk: number): number; list(chunk: number): Int32Array } {
  const n = world.nodes.length;
  const chunks = world.chunks.length;
  const start = new Int32Array(chunks + 1);
  for (let i = 0; i < n; i++) if (world.up[i]) rec.holders[i]!.forEach((c) => void start[c + 1]!++);
  for (let c = 0; c < chunks; c++) start[c + 1]! += start[c]!;
  const flat = new Int32Array(lists ? start[chunks]! : 0);
  if (lists) {
    const next = start.slice(0, chunks);
    for (let i = 0; i < n; i++) if (world.up[i]) rec.holders[i]!.forEach((c) => void (flat[next[c]!++] = i));
  }
  return {
    count: (chunk) => start[chunk + 1]! - start[chunk]!,
    list: (chunk) => (lists ? flat.subarray(start[chunk]!, start[chunk + 1]!) : flat),
  };
}

/** Finds the nodes that may have a chunk in their area of responsibility by prefix, without a scan of all nodes. */
class AorIndex {
  private readonly order: number[];
  private readonly heads: Uint32Array;
  private readonly minDepth: number;

  constructor(
    private readonly world: CheckWorld,
    private readonly depths: number[],
  ) {
    const t = world.topology;
    this.order = t.ids.map((_, i) => i).sort((a, b) => t.addrs.head(a) - t.addrs.head(b) || a - b);
    this.heads = Uint32Array.from(this.order, (i) => t.addrs.head(i));
    this.minDepth = depths.length === 0 ? 0 : Math.min(...depths);
  }

  /** Nodes with PO256(node, chunk) >= depth(node), in index order. */
  of(chunk: number): number[] {
    const w = this.world;
    const bits = Math.min(this.minDepth, 32);
    const head = w.chunks.head(chunk);
    let lo = 0;
    let hi = this.order.length;
    if (bits > 0) {
      const shift = 32 - bits;
      const prefix = head >>> shift;
      lo = lowerBound(this.heads, (prefix << shift) >>> 0);
      hi = bits === 32 ? upperBound(this.heads, head) : lowerBound(this.heads, ((prefix + 1) * 2 ** shift));
    }
    const out: number[] = [];
    for (let k = lo; k < hi; k++) {
      const node = this.order[k]!;
      if (po256(w.topology.addrs, node, w.chunks, chunk) >= this.depths[node]!) out.push(node);
    }
    return out.sort((a, b) => a - b);
  }
}

/** The oracle of Go's TestSyncingViaGlobalSync (PROTOCOL.md §2.3): reported, never asserted. Off above 4096 nodes. */
class GoOracle {
  private readonly nn = new Map<number, number[]>();
  private readonly enabled: boolean;

  constructor(
    private readonly world: CheckWorld,
    private readonly ns: number,
  ) {
    this.enabled = world.nodes.length <= 4096;
  }

  check(chunk: number, rec: Recorder): { expected: number; reached: number } | undefined {
    if (!this.enabled) return undefined;
    const closest = this.closest(chunk);
    const expected = [closest, ...this.nnSet(closest)];
    return { expected: expected.length, reached: expected.filter((i) => rec.holders[i]!.has(chunk)).length };
  }

  /** The node of maximal PO256 to the chunk, ties broken by XOR distance (= the XOR-closest node). */
  private closest(chunk: number): number {
    const w = this.world;
    let best = 0;
    for (let i = 1; i < w.nodes.length; i++) if (closer(w.topology.addrs, i, best, w.chunks, chunk)) best = i;
    return best;
  }

  /** NNSet from global knowledge: every other node b with PO256(a, b) >= depth_a over all nodes (a counted). */
  private nnSet(a: number): number[] {
    let set = this.nn.get(a);
    if (set) return set;
    const t = this.world.topology;
    const others: number[] = [];
    const pos: number[] = [];
    for (let b = 0; b < t.ids.length; b++) if (b !== a) others.push(b), pos.push(po256(t.addrs, a, t.addrs, b));
    const depth = t.ids.length <= this.ns ? 0 : depthFromPOs(pos, this.ns);
    set = others.filter((_, i) => pos[i]! >= depth);
    this.nn.set(a, set);
    return set;
  }
}
