import { AddressTable, WORDS } from './address.js';
import type { Topology } from './topology.js';

/**
 * The topology without node `node`: the other nodes keep their order (so node i > node becomes i - 1, and relative
 * order, which nothing keyed depends on anyway, is unchanged), their addresses, up flags and the connections
 * between them. For shrinking a failing run: every draw is keyed by address (src/core/keyed.ts), so the remaining
 * nodes draw as before.
 */
export function withoutNode(t: Topology, node: number): Topology {
  const n = t.ids.length;
  if (!(Number.isInteger(node) && node >= 0 && node < n)) throw new Error(`assertion failed: no node ${node} among ${n}`);
  const addrs = new AddressTable(n - 1);
  for (let i = 0; i < n; i++) if (i !== node) addrs.addWords(t.addrs.words, i * WORDS);
  const at = (i: number): number => (i > node ? i - 1 : i);
  return {
    addrs,
    ids: t.ids.filter((_, i) => i !== node),
    conns: t.conns.filter(([a, b]) => a !== node && b !== node).map(([a, b]): [number, number] => [at(a), at(b)]),
    up: t.up.filter((_, i) => i !== node),
    source: `${t.source} without node ${t.ids[node]!.slice(0, 8)}`,
  };
}
