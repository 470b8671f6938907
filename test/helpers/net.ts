/**
 * Small helpers that let the ports of the Go stream tests read like the scenarios they describe:
 * make addresses and a topology, build a world, upload chunks, watch for duplicates and drops, and read
 * what a node holds. Everything is deterministic in the seed.
 */
import { key } from '../../src/core/keyed.js';
import { createRng, type Rng } from '../../src/core/rng.js';
import { MS, type Micros } from '../../src/core/units.js';
import { BINS } from '../../src/protocol/stream/localstore.js';
import { protocolDefaults, type ProtocolOptions } from '../../src/protocol/stream/options.js';
import * as assert from 'uvu/assert';
import type { Message } from '../../src/protocol/stream/messages.js';
import type { SyncNode } from '../../src/protocol/stream/node.js';
import { streamProtocol } from '../../src/protocol/stream/plugin.js';
import type { RuntimeOptions } from '../../src/sim/machine.js';
import { World } from '../../src/sim/world.js';
import { RUNTIME_DEFAULTS } from '../../src/scenario/runtime-spec.js';
import { AddressTable, bytesToHex, po16, po256 } from '../../src/topology/address.js';
import type { Topology } from '../../src/topology/topology.js';

export type Conns = [number, number][];

/** `n` uniform random 32-byte addresses from `rng`. */
export function randomAddresses(n: number, rng: Rng): Uint8Array[] {
  return Array.from({ length: n }, () => randomBytes(rng));
}

/** `base` with bit `po` flipped and random bits after it: PO256(base, result) is exactly `po` (Go's pot.RandomAddressAt). */
export function addressAtPO(base: Uint8Array, po: number, rng: Rng): Uint8Array {
  const out = randomBytes(rng);
  for (let bit = 0; bit <= po; bit++) {
    const byte = bit >> 3;
    const mask = 0x80 >> (bit & 7);
    const want = bit < po ? base[byte]! & mask : ~base[byte]! & mask;
    out[byte] = (out[byte]! & ~mask) | want;
  }
  return out;
}

function randomBytes(rng: Rng): Uint8Array {
  const b = new Uint8Array(32);
  for (let k = 0; k < 32; k += 4) {
    const w = rng.u32();
    b[k] = w >>> 24;
    b[k + 1] = (w >>> 16) & 255;
    b[k + 2] = (w >>> 8) & 255;
    b[k + 3] = w & 255;
  }
  return b;
}

/** A topology of explicit addresses and connections; every node is up. */
export function topologyOf(addresses: readonly Uint8Array[], conns: Conns): Topology {
  const addrs = new AddressTable(addresses.length);
  for (const a of addresses) addrs.add(a);
  return { addrs, ids: addresses.map(bytesToHex), conns, up: addresses.map(() => true), source: 'test' };
}

/** A topology of `n` seeded random addresses. */
export function randomTopology(n: number, seed: string | number, conns: Conns): Topology {
  return topologyOf(randomAddresses(n, createRng(seed).fork('addresses')), conns);
}

export const pair = (): Conns => [[0, 1]];

/** Every other node connected to `pivot`. */
export function star(n: number, pivot = 0): Conns {
  const out: Conns = [];
  for (let i = 0; i < n; i++) if (i !== pivot) out.push([Math.min(pivot, i), Math.max(pivot, i)]);
  return out;
}

/** Every pair connected. */
export function mesh(n: number): Conns {
  const out: Conns = [];
  for (let a = 0; a < n; a++) for (let b = a + 1; b < n; b++) out.push([a, b]);
  return out;
}

export interface WorldSetup {
  protocol?: Partial<ProtocolOptions>;
  latency?: Micros;
  /** hive redial after a drop (the Go in-proc bzz sims; ~0.1-0.2 s); false for NewInProc or snapshot sims */
  redial?: boolean;
  trackNeedData?: boolean;
  /** the goroutine runtime (the defaults of the scenario's runtime section, with handlers 'goroutines') */
  runtime?: Partial<RuntimeOptions>;
}

/** The Go test harness: HEAD defaults, SyncInitBackoff 0, in-process links, hive redial after 150 ms. */
export function makeWorld(topology: Topology, seed: string | number, setup: WorldSetup = {}): StreamWorld {
  return new World(
    topology,
    {
      links: { latency: { constant: setup.latency ?? 0 }, bandwidth: Infinity, processing: 0 },
      redialDelay: setup.redial === false ? undefined : 150 * MS,
      removals: setup.trackNeedData ?? false,
      ...(setup.runtime ? { runtime: { ...RUNTIME_DEFAULTS, handlers: 'goroutines' as const, ...setup.runtime } } : {}),
    },
    createRng(seed),
    streamProtocol({ ...protocolDefaults(), syncInitBackoff: 0, ...setup.protocol }),
  );
}

/** A world of stream! nodes, whose internals the protocol's own tests read. */
export type StreamWorld = World<Message, SyncNode>;

/** A run's world as stream!'s (the runner's worlds are protocol-neutral); fails if it runs another protocol. */
export function streamWorld(world: World): StreamWorld {
  assert.is(world.protocol.kind, 'stream');
  return world as unknown as StreamWorld;
}

/**
 * `n` new random chunks uploaded at `node` (ModePutUpload); returns their ids in upload order. Their addresses are
 * keyed by how many chunks the world made before them, so each call of a test gets its own.
 */
export function uploadChunks(world: World, node: number, n: number): number[] {
  const chunks = world.newChunks(key(world.chunks.length), n);
  for (const c of chunks) world.upload(node, c);
  return chunks;
}

/**
 * Go's putSeenTestHook / catchDuplicateChunkSync: a chunk delivered to a node that already holds it
 * (also the same chunk twice in one ChunkDelivery). Holdings come from the world's store events.
 */
export function watchDuplicates(world: World): { count(): number; list(): string[] } {
  const holds = new Set<string>();
  const dups: string[] = [];
  let batchKey = '';
  let batch = new Set<number>();
  world.observe({
    stored: (node, c) => void holds.add(`${node}:${c}`),
    removed: (node, c) => void holds.delete(`${node}:${c}`),
    arrived: (node, c, from, ruid, t) => {
      const key = `${node}:${from}:${ruid}:${t}`;
      if (key !== batchKey) (batchKey = key), (batch = new Set());
      if (holds.has(`${node}:${c}`) || batch.has(c)) dups.push(`chunk ${c} synced again to node ${node} from ${from}`);
      batch.add(c);
    },
  });
  return { count: () => dups.length, list: () => dups };
}

export interface Drop {
  a: number;
  b: number;
  reason: string;
  t: Micros;
}

/** Every connection that went down (protocol drops and scenario disconnects), in order. */
export function watchDrops(world: World): Drop[] {
  const drops: Drop[] = [];
  world.observe({ disconnected: (a, b, reason, t) => void drops.push({ a, b, reason, t }) });
  return drops;
}

/** The chunks a node holds, as a sorted list (Go's getChunks). */
export function chunksOf(world: StreamWorld, node: number): number[] {
  return world.nodes[node]!.store.list().sort((x, y) => x - y);
}

export function holds(world: StreamWorld, node: number, chunk: number): boolean {
  return world.nodes[node]!.store.has(chunk);
}

/** The node's 17 LastPullSubscriptionBinID values. */
export function binCursors(world: StreamWorld, node: number): number[] {
  return Array.from({ length: BINS }, (_, b) => world.nodes[node]!.store.cursor(b));
}

/** The cursors `node` holds for `peer`, as a map bin -> cursor (absent = not subscribed). */
export function cursorsFor(world: StreamWorld, node: number, peer: number): Map<number, number> {
  const p = world.nodes[node]!.peers.get(peer);
  const out = new Map<number, number>();
  if (!p) return out;
  for (let b = 0; b < BINS; b++) if (p.cursor(b) >= 0) out.set(b, p.cursor(b));
  return out;
}

/** Capped PO (chunk.Proximity) between two nodes. */
export function nodePO(world: World, a: number, b: number): number {
  const t = world.topology.addrs;
  return po16(t.head(a), t.head(b));
}

/** Capped PO between a chunk and a node. */
export function chunkPO(world: World, chunk: number, node: number): number {
  return po16(world.chunks.head(chunk), world.topology.addrs.head(node));
}

/** Full 256-bit PO between a chunk and a node. */
export function chunkPO256(world: World, chunk: number, node: number): number {
  return po256(world.topology.addrs, node, world.chunks, chunk);
}

/**
 * Runs until `done()` holds (checked after every event), nothing is pending, or `maxMicros` more time passed.
 * Returns `done()`. Like Go's polling waits, it returns at once when `done()` already holds.
 */
export function runUntil(world: World, done: () => boolean, maxMicros: Micros): boolean {
  if (done()) return true;
  world.engine.run(world.now + maxMicros, Infinity, done);
  return done();
}

/** Go's waitChunks: run until `node` holds `want` chunks (or nothing more can happen); returns the count. */
export function waitChunks(world: World, node: number, want: number, maxMicros: Micros): number {
  runUntil(world, () => world.nodes[node]!.storedCount >= want, maxMicros);
  return world.nodes[node]!.storedCount;
}
