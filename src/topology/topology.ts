import { AddressTable } from './address.js';

/** A network: node overlays (index = node id), undirected connections and up flags. */
export interface Topology {
  readonly addrs: AddressTable;
  /** 64-hex overlay per node, made once for the edges (files, reports, errors). */
  readonly ids: readonly string[];
  /** connections as [a, b] node index pairs, a !== b, each pair once */
  readonly conns: ReadonlyArray<readonly [number, number]>;
  readonly up: readonly boolean[];
  /** where it came from, for messages */
  readonly source: string;
}

export function nodeCount(t: Topology): number {
  return t.ids.length;
}

/** Peer lists per node, in connection order. */
export function adjacency(t: Topology): number[][] {
  const adj: number[][] = t.ids.map(() => []);
  for (const [a, b] of t.conns) {
    adj[a]!.push(b);
    adj[b]!.push(a);
  }
  return adj;
}
