import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { generateTopology } from '../src/topology/generate.js';
import { parseSnapshot } from '../src/topology/snapshot.js';
import { topologyReport, type TopologyReport } from '../src/topology/stats.js';
import type { Topology } from '../src/topology/topology.js';
import { snapshotJson } from '../src/topology/write.js';
import { UsageError } from '../src/core/errors.js';

const snapshotText = (t: Topology): string => JSON.stringify(snapshotJson(t));

/** The first `bits` bits of a node's address (bits <= 32), as a number. */
const prefix = (t: Topology, node: number, bits: number): number => (bits === 0 ? 0 : t.addrs.head(node) >>> (32 - bits));

/** How many nodes share each `bits`-bit prefix: counting members of a bin or a neighbourhood in O(n). */
function prefixCounts(t: Topology, bits: number): Map<number, number> {
  const counts = new Map<number, number>();
  for (let i = 0; i < t.ids.length; i++) counts.set(prefix(t, i, bits), (counts.get(prefix(t, i, bits)) ?? 0) + 1);
  return counts;
}

/** Other nodes at PO >= bits from `node`, and the members of its bin `bits` (PO exactly bits). */
function population(t: Topology, cache: Map<number, Map<number, number>>, node: number, bits: number) {
  assert.ok(bits < 32, 'prefixes fit in the first address word');
  const at = (b: number) => cache.get(b) ?? cache.set(b, prefixCounts(t, b)).get(b)!;
  const beyond = at(bits).get(prefix(t, node, bits))! - 1;
  const inBin = at(bits + 1).get(prefix(t, node, bits + 1) ^ 1) ?? 0;
  return { beyond, inBin };
}

/** Every node is connected to all others at PO >= its depth; every bin below the depth is saturated. */
function checkWiring(t: Topology, report: TopologyReport, binSize: number): void {
  const cache = new Map<number, Map<number, number>>();
  for (const r of report.nodes) {
    const connectedBeyond = r.bins.slice(r.depth).reduce((a, b) => a + b, 0);
    const { beyond } = population(t, cache, r.index, r.depth);
    assert.is(connectedBeyond, beyond, `node ${r.index} (depth ${r.depth}) misses a neighbour`);
    for (let b = 0; b < r.depth; b++) {
      const { inBin } = population(t, cache, r.index, b);
      const expected = Math.min(binSize, inBin);
      assert.ok((r.bins[b] ?? 0) >= expected, `node ${r.index} bin ${b}: ${r.bins[b]} peers < ${expected}`);
    }
  }
}

test('the same seed generates a byte-identical snapshot', () => {
  assert.is(snapshotText(generateTopology(64, 1)), snapshotText(generateTopology(64, 1)));
  assert.is(snapshotText(generateTopology(64, 'x')), snapshotText(generateTopology(64, 'x')));
});

test('another seed generates other addresses and other connections', () => {
  const a = generateTopology(64, 1);
  const b = generateTopology(64, 2);
  assert.is.not(a.ids[0], b.ids[0]);
  assert.is.not(JSON.stringify(a.conns), JSON.stringify(b.conns));
});

test('another bin size rewires the same addresses', () => {
  const a = generateTopology(64, 1, { binSize: 2 });
  const b = generateTopology(64, 1, { binSize: 4 });
  assert.equal(a.ids, b.ids);
  assert.ok(a.conns.length < b.conns.length);
});

test('connections are undirected pairs listed once, in ascending order', () => {
  const t = generateTopology(256, 3);
  const keys = t.conns.map(([a, b]) => {
    assert.ok(a < b, `pair ${a}-${b} is ordered`);
    return a * t.ids.length + b;
  });
  assert.equal(keys, [...keys].sort((x, y) => x - y));
  assert.is(new Set(keys).size, keys.length);
});

test('every node is connected to its whole neighbourhood, by the depth its own peers give it', () => {
  for (const nodes of [2, 3, 5, 16, 64, 256, 1000]) {
    for (const binSize of [1, 2, 4]) {
      const t = generateTopology(nodes, nodes + binSize, { binSize });
      checkWiring(t, topologyReport(t), binSize);
    }
  }
  const wide = generateTopology(256, 7, { neighbourhoodSize: 4 });
  checkWiring(wide, topologyReport(wide, 4), 4);
});

test('two or three nodes are fully connected', () => {
  assert.equal(generateTopology(2, 1).conns, [[0, 1]]);
  assert.equal(generateTopology(3, 1).conns, [[0, 1], [0, 2], [1, 2]]);
});

test('bins below the depth hold about binSize peers: the node dials binSize, others dial in on top', () => {
  const t = generateTopology(1000, 5, { binSize: 4 });
  let peers = 0;
  let bins = 0;
  for (const r of topologyReport(t).nodes) {
    for (let b = 0; b < r.depth; b++, bins++) peers += r.bins[b]!;
  }
  const mean = peers / bins;
  assert.ok(mean >= 4 && mean <= 8, `mean peers per bin below depth ${mean.toFixed(2)}`);
});

test('a generated snapshot loads back with the same nodes, connections and hive depths', () => {
  const t = generateTopology(256, 1);
  const json: unknown = JSON.parse(snapshotText(t));
  const back = parseSnapshot(json, 'generated-256');
  assert.equal(back.ids, t.ids);
  assert.equal(back.conns, t.conns);
  assert.equal(Array.from(back.addrs.words.subarray(0, 256 * 8)), Array.from(t.addrs.words.subarray(0, 256 * 8)));
  const report = topologyReport(back);
  const nodes = (json as { nodes: { node: { info: { protocols: { hive: string } } } }[] }).nodes;
  nodes.forEach((entry, i) => {
    const m = /DEPTH: (\d+)/.exec(entry.node.info.protocols.hive);
    assert.ok(m, `node ${i} hive text has a DEPTH line`);
    assert.is(Number(m![1]), report.nodes[i]!.depth, `node ${i} hive depth`);
  });
});

test('ten thousand nodes generate quickly and are wired by the rule', () => {
  const started = performance.now();
  const t = generateTopology(10_000, 1);
  const millis = performance.now() - started;
  console.log(`  generateTopology(10000, 1): ${millis.toFixed(0)} ms, ${t.conns.length} connections`);
  assert.is(t.ids.length, 10_000);
  checkWiring(t, topologyReport(t), 4);
});

test('a node count outside 2..100000 or a bad option is a usage error naming the flag', () => {
  for (const [nodes, flag] of [[1, '--nodes'], [100_001, '--nodes'], [2.5, '--nodes']] as const) {
    assert.throws(() => generateTopology(nodes, 1), (e: unknown) => e instanceof UsageError && e.path === flag);
  }
  assert.throws(() => generateTopology(8, 1, { binSize: 0 }), (e: unknown) => e instanceof UsageError && e.path === '--bin-size');
  const badNs = (e: unknown) => e instanceof UsageError && e.path === '--neighbourhood-size';
  assert.throws(() => generateTopology(8, 1, { neighbourhoodSize: 0 }), badNs);
});

test.run();
