import { po256 } from './address.js';
import { depthFromPOs } from './depth.js';
import { adjacency, type Topology } from './topology.js';

/** One node as its connections show it. */
export interface NodeReport {
  index: number;
  /** 64-hex overlay */
  id: string;
  /** Kademlia depth from the connected peers (PROTOCOL.md §2.1) */
  depth: number;
  /** number of connected peers */
  degree: number;
  /** connected peers per PO256 bin, bins 0 .. the highest non-empty one (exact, not folded); [] if no peers */
  bins: number[];
}

export interface TopologySummary {
  nodes: number;
  conns: number;
  neighbourhoodSize: number;
  /** nodes per depth, keyed by the depth in decimal */
  depthHistogram: Record<string, number>;
  /** median = the lower median for an even count */
  depth: { min: number; median: number; max: number };
  degree: { min: number; mean: number; max: number };
  /** mean over all nodes of the peers in bin b (0 where a node has none), b = 0 .. the highest bin of any node */
  meanPeersPerBin: number[];
  /** mean over all nodes of the peers at PO >= the node's depth */
  meanNeighbourhood: number;
}

export interface TopologyReport {
  nodes: NodeReport[];
  summary: TopologySummary;
}

/** Depth, degree and peers per bin of every node, and a summary. Means are rounded to 2 decimals. */
export function topologyReport(t: Topology, neighbourhoodSize = 2): TopologyReport {
  const adj = adjacency(t);
  let neighbourhood = 0;
  const nodes = adj.map((peers, index): NodeReport => {
    const pos = peers.map((p) => po256(t.addrs, index, t.addrs, p));
    const depth = depthFromPOs(pos, neighbourhoodSize);
    const bins = new Array<number>(pos.length === 0 ? 0 : Math.max(...pos) + 1).fill(0);
    for (const p of pos) {
      bins[p]!++;
      if (p >= depth) neighbourhood++;
    }
    return { index, id: t.ids[index]!, depth, degree: peers.length, bins };
  });
  const n = nodes.length;
  const depths = nodes.map((r) => r.depth).sort((a, b) => a - b);
  const degrees = nodes.map((r) => r.degree);
  const depthHistogram: Record<string, number> = {};
  for (const d of depths) depthHistogram[String(d)] = (depthHistogram[String(d)] ?? 0) + 1;
  const width = nodes.reduce((w, r) => max2(w, r.bins.length), 0);
  const perBin = new Array<number>(width).fill(0);
  for (const r of nodes) r.bins.forEach((c, b) => (perBin[b]! += c));
  const summary: TopologySummary = {
    nodes: n,
    conns: t.conns.length,
    neighbourhoodSize,
    depthHistogram,
    depth: { min: depths[0] ?? 0, median: depths[(n - 1) >> 1] ?? 0, max: depths[n - 1] ?? 0 },
    degree: { min: n === 0 ? 0 : degrees.reduce(min2), mean: mean(sum(degrees), n), max: degrees.reduce(max2, 0) },
    meanPeersPerBin: perBin.map((s) => mean(s, n)),
    meanNeighbourhood: mean(neighbourhood, n),
  };
  return { nodes, summary };
}

/**
 * A text table (index, id prefix, depth, degree, peers per bin with `|` before the depth bin) of the first
 * `maxRows` nodes, then the summary lines.
 */
export function formatTopologyReport(report: TopologyReport, maxRows = 100): string {
  const s = report.summary;
  const lines = ['index  id        depth  degree  peers per bin (| marks the depth)'];
  for (const r of report.nodes.slice(0, maxRows)) {
    const cells = r.bins.map(String);
    if (r.depth <= cells.length) cells.splice(r.depth, 0, '|');
    const head = `${String(r.index).padStart(5)}  ${r.id.slice(0, 8)}  ${String(r.depth).padStart(5)}  `;
    lines.push(`${head}${String(r.degree).padStart(6)}  ${cells.join(' ')}`);
  }
  const hidden = report.nodes.length - maxRows;
  if (hidden > 0) lines.push(`... ${hidden} more nodes (the JSON report lists all)`);
  const histogram = Object.entries(s.depthHistogram).map(([d, c]) => `${d}:${c}`);
  lines.push(
    '',
    `nodes ${s.nodes}, connections ${s.conns}, neighbourhood size ${s.neighbourhoodSize}`,
    `depth: min ${s.depth.min}, median ${s.depth.median}, max ${s.depth.max} (nodes per depth ${histogram.join(' ')})`,
    `degree: min ${s.degree.min}, mean ${s.degree.mean}, max ${s.degree.max}`,
    `mean peers per bin: ${s.meanPeersPerBin.map((m, b) => `${b}:${m}`).join(' ')}`,
    `mean peers in the neighbourhood (PO >= depth): ${s.meanNeighbourhood}`,
  );
  return lines.join('\n');
}

/** A markdown table comparing the summaries of several networks, one row each. */
export function compareStats(rows: ReadonlyArray<{ label: string; summary: TopologySummary }>, bins = 5): string {
  const binCols = Array.from({ length: bins }, (_, b) => `bin ${b}`);
  const header = ['network', 'nodes', 'conns', 'degree min/mean/max', 'depth min/median/max', ...binCols, 'neighbourhood'];
  const out = [row(header), row(header.map((_, i) => (i === 0 ? '---' : '---:')))];
  for (const { label, summary: s } of rows) {
    const perBin = Array.from({ length: bins }, (_, b) => (s.meanPeersPerBin[b] ?? 0).toFixed(2));
    out.push(
      row([
        label,
        String(s.nodes),
        String(s.conns),
        `${s.degree.min} / ${s.degree.mean.toFixed(1)} / ${s.degree.max}`,
        `${s.depth.min} / ${s.depth.median} / ${s.depth.max}`,
        ...perBin,
        s.meanNeighbourhood.toFixed(2),
      ]),
    );
  }
  return out.join('\n');
}

const row = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
const min2 = (a: number, b: number): number => (a < b ? a : b);
const max2 = (a: number, b: number): number => (a > b ? a : b);
const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);
const mean = (total: number, n: number): number => (n === 0 ? 0 : Math.round((total / n) * 100) / 100);
