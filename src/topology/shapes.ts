import { createRng } from '../core/rng.js';
import { AddressTable } from './address.js';
import type { Topology } from './topology.js';

/** Simple hand-made shapes, as the Go tests use them: a star around node 0, a full mesh, or a line. */
export type Shape = 'star' | 'mesh' | 'line';

/** Random overlays (from the seed) wired in a fixed shape. */
export function shapedTopology(shape: Shape, nodes: number, seed: string | number): Topology {
  const rng = createRng(seed).fork('shape');
  const addrs = new AddressTable(nodes);
  const bytes = new Uint8Array(32);
  for (let i = 0; i < nodes; i++) {
    for (let k = 0; k < 32; k++) bytes[k] = rng.int(256);
    addrs.add(bytes);
  }
  const conns: [number, number][] = [];
  if (shape === 'star') for (let i = 1; i < nodes; i++) conns.push([0, i]);
  else if (shape === 'line') for (let i = 1; i < nodes; i++) conns.push([i - 1, i]);
  else for (let i = 0; i < nodes; i++) for (let j = i + 1; j < nodes; j++) conns.push([i, j]);
  const ids = Array.from({ length: nodes }, (_, i) => addrs.hex(i));
  return { addrs, ids, conns, up: ids.map(() => true), source: `${shape} nodes=${nodes} seed=${seed}` };
}
