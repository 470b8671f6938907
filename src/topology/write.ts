import { writeFileSync, renameSync } from 'node:fs';
import { po256 } from './address.js';
import { depthFromPOs } from './depth.js';
import { adjacency, type Topology } from './topology.js';

const ROWS = 16; // hive printout rows 000..015, deeper POs folded into 015
const RULE = '='.repeat(73);

/**
 * The Kademlia table as Swarm's hive prints it: a population line, one row per PO with the connected
 * peers' 4-hex prefixes, and a `DEPTH: n` separator before row n.
 */
export function hiveText(t: Topology, node: number, peers: readonly number[], neighbourhoodSize: number): string {
  const rows: string[][] = Array.from({ length: ROWS }, () => []);
  const pos = peers.map((p) => po256(t.addrs, node, t.addrs, p));
  peers.forEach((p, i) => rows[Math.min(ROWS - 1, pos[i]!)]!.push(t.ids[p]!.slice(0, 4)));
  const depth = depthFromPOs(pos, neighbourhoodSize);
  const lines = [
    '',
    RULE,
    `pullsim KΛÐΞMLIΛ hive: queen's address: ${t.ids[node]!.slice(0, 6)}`,
    `population: ${peers.length} (${peers.length}), NeighbourhoodSize: ${neighbourhoodSize}, MinBinSize: 2, MaxBinSize: 4`,
  ];
  rows.forEach((r, po) => {
    if (po === depth) lines.push(`============ DEPTH: ${depth} ==========================================`);
    const shown = r.slice(0, 4).join(' ');
    const left = `${String(po).padStart(3, '0')} ${String(r.length).padStart(2)} ${shown}`.padEnd(36);
    const known = r.slice(0, 4).map((x) => `${x} (0)`).join(' ');
    lines.push(`${left}| ${String(r.length).padStart(2)}${known ? ' ' + known : ''}`);
  });
  if (depth >= ROWS) lines.push(`============ DEPTH: ${depth} ==========================================`);
  lines.push(RULE);
  return lines.join('\n');
}

/** The snapshot JSON (go-ethereum p2p/simulations format) for a topology. */
export function snapshotJson(t: Topology, neighbourhoodSize = 2): unknown {
  const adj = adjacency(t);
  return {
    nodes: t.ids.map((id, i) => ({
      node: {
        info: {
          id,
          name: `node_${id}`,
          protocols: {
            bzz: Buffer.from(t.addrs.bytes(i)).toString('base64'),
            hive: hiveText(t, i, adj[i]!, neighbourhoodSize),
          },
        },
        config: { id, name: `node_${id}`, services: ['streamer'] },
        up: t.up[i] ?? true,
      },
    })),
    conns: t.conns.map(([a, b]) => ({ one: t.ids[a]!, other: t.ids[b]!, up: true })),
  };
}

/** Writes atomically: a temporary file renamed into place, so nothing half-written is left behind. */
export function writeJsonAtomic(file: string, value: unknown): void {
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, JSON.stringify(value, null, 1) + '\n');
  renameSync(tmp, file);
}
