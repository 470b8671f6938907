import { closer } from '../topology/address.js';
import type { World } from '../sim/world.js';

/**
 * Where Bee's push sync lands an uploaded chunk: the up node closest to it by XOR distance over the whole address.
 * Bee forwards a pushed chunk toward the closest peer it knows (pkg/pushsync/pushsync.go: pushToClosest) and the
 * first node within its radius stores it (handler); the model skips the forwarding path and its messages and puts
 * the chunk at the closest up node, from where pull sync spreads it through the neighbourhood. A scan of the nodes
 * per chunk: runs of a few thousand nodes and chunks take milliseconds.
 */
export function closestUpNode(world: World, chunk: number): number | undefined {
  const addrs = world.topology.addrs;
  let best = -1;
  for (let i = 0; i < world.nodes.length; i++) {
    if (world.up[i] && (best < 0 || closer(addrs, i, best, world.chunks, chunk))) best = i;
  }
  return best < 0 ? undefined : best;
}
