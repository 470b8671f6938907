import { AddressTable, hexWords } from './address.js';
import type { Topology } from './topology.js';

/**
 * A topology as plain data (ids, connections, up flags): what crosses to a worker thread (a structured clone drops
 * AddressTable's class) and what a cache key hashes.
 */
export interface PlainTopology {
  ids: string[];
  conns: [number, number][];
  up: boolean[];
  source: string;
}

export function toPlain(t: Topology): PlainTopology {
  return { ids: [...t.ids], conns: t.conns.map(([a, b]): [number, number] => [a, b]), up: [...t.up], source: t.source };
}

/** The topology again, its addresses from the ids (a topology's ids are its overlay addresses in hex). */
export function fromPlain(p: PlainTopology): Topology {
  const addrs = new AddressTable(p.ids.length);
  for (const id of p.ids) addrs.addWords(hexWords(id), 0);
  return { addrs, ids: p.ids, conns: p.conns, up: p.up, source: p.source };
}

/** Whether every node reaches every other over the connections (no node, or one, is connected). */
export function isConnected(t: Pick<Topology, 'ids' | 'conns'>): boolean {
  const n = t.ids.length;
  if (n <= 1) return true;
  const adj: number[][] = Array.from({ length: n }, () => []);
  for (const [a, b] of t.conns) adj[a]!.push(b), adj[b]!.push(a);
  const seen = new Uint8Array(n);
  const stack = [0];
  seen[0] = 1;
  let reached = 1;
  while (stack.length > 0) {
    for (const m of adj[stack.pop()!]!) {
      if (seen[m]) continue;
      seen[m] = 1;
      reached++;
      stack.push(m);
    }
  }
  return reached === n;
}
