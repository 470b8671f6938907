/**
 * Port of Go's TestSyncingViaGlobalSync (PROTOCOL.md §8, §2.3, §12) on the real snapshot_16: links exactly as
 * in the snapshot (no redial), 32 chunks uploaded at one node. Asserted: every node in a chunk's area of
 * responsibility (PO256(node, chunk) >= the node's depth) holds it, by this port and by pullsim's checker.
 * The Go test asserted something else: that the closest node and its NN set computed from *all* nodes hold each
 * chunk. §12 says that oracle demands pairs no sync serves; for the shipped scenario this file names them.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createRng } from '../src/core/rng.js';
import { SECOND } from '../src/core/units.js';
import { loadScenario } from '../src/scenario/loader.js';
import { runScenario, type RunOutcome } from '../src/scenario/runner.js';
import type { StreamWorld as World } from './helpers/net.js';
import { WORDS, po256 } from '../src/topology/address.js';
import { depthFromPOs } from '../src/topology/depth.js';
import { loadSnapshot } from '../src/topology/snapshot.js';
import { adjacency } from '../src/topology/topology.js';
import { chunkPO256, holds, makeWorld, streamWorld, uploadChunks, watchDrops } from './helpers/net.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SNAPSHOT = join(ROOT, '..', 'shared', 'snapshots', 'swarm-stream', 'snapshot_16.json');
const CHUNKS = 32;
const NS = 2;
const SEEDS = [1, 2, 3];

/** A node's depth from its connected peers (§2.1). */
function liveDepth(world: World, node: number, peers: number[]): number {
  const t = world.topology.addrs;
  return depthFromPOs(peers.map((p) => po256(t, node, t, p)), NS);
}

/** NewPeerPotMap's depth (§2.2): from all nodes; the size check counts the node itself. */
function globalDepth(world: World, node: number): number {
  const n = world.nodes.length;
  if (n <= NS) return 0;
  const t = world.topology.addrs;
  const pos: number[] = [];
  for (let b = 0; b < n; b++) if (b !== node) pos.push(po256(t, node, t, b));
  return depthFromPOs(pos, NS);
}

/** -1, 0, 1 as node a is closer to, as close as, farther from the chunk than node b (XOR distance). */
function compareXor(world: World, chunk: number, a: number, b: number): number {
  const nw = world.topology.addrs.words;
  const cw = world.chunks.words;
  for (let k = 0; k < WORDS; k++) {
    const c = cw[chunk * WORDS + k]!;
    const da = (nw[a * WORDS + k]! ^ c) >>> 0;
    const db = (nw[b * WORDS + k]! ^ c) >>> 0;
    if (da !== db) return da < db ? -1 : 1;
  }
  return 0;
}

/** The Go oracle's expected holders of a chunk (§2.3): the closest node and its global NN set. */
function goOracle(world: World, chunk: number, depths: number[]): number[] {
  let closest = 0;
  for (let n = 1; n < world.nodes.length; n++) {
    const d = chunkPO256(world, chunk, n) - chunkPO256(world, chunk, closest);
    if (d > 0 || (d === 0 && compareXor(world, chunk, n, closest) < 0)) closest = n;
  }
  const t = world.topology.addrs;
  const out = [closest];
  for (let b = 0; b < world.nodes.length; b++) if (b !== closest && po256(t, closest, t, b) >= depths[closest]!) out.push(b);
  return out;
}

/** The Go oracle's (chunk, node) pairs that the node does not hold, chunks in upload order, nodes by index. */
function goOracleUnreached(world: World, chunks: readonly number[]): [number, number][] {
  const global = world.nodes.map((_, n) => globalDepth(world, n));
  const out: [number, number][] = [];
  for (const c of chunks) for (const n of goOracle(world, c, global).sort((a, b) => a - b)) if (!holds(world, n, c)) out.push([c, n]);
  return out;
}

/**
 * scenarios/global-sync-16x32.json at its seed (1): per chunk, the nodes (hex prefixes) the Go oracle expects to
 * hold it and that never do. Each has a PO to the chunk below its own depth (1 against 2 or 4; 2 against 3): the
 * chunk is outside its area of responsibility, so no sync is bound to bring it, and the run ends with nothing
 * pending and none having done so. The oracle expects them because it takes the closest node's NN set from all
 * 16 nodes, not from the node's links.
 */
const UNREACHED_AT_SEED_1 = [
  '89dc6419: a0109d6c bdf01226',
  '89ace95a: a0109d6c bdf01226',
  'f1ab8048: c55a176b d6f7abd4',
  'e8d5a0d8: c55a176b d6f7abd4',
  '9c371aa5: a0109d6c bdf01226',
  '151c3b60: 427e0288 4ebda1ce 6ff9a3f6 4c144ac2',
  'e541c80b: c55a176b d6f7abd4',
  '15ec2336: 427e0288 4ebda1ce 6ff9a3f6 4c144ac2',
  '834d7aee: a0109d6c bdf01226',
  '968e1593: a0109d6c bdf01226',
  'ffb56133: c55a176b d6f7abd4',
  '844d58b8: a0109d6c bdf01226',
  'f19687f8: c55a176b d6f7abd4',
  '259a39db: 427e0288 4ebda1ce 6ff9a3f6 4c144ac2',
  '8a065d11: a0109d6c bdf01226',
  '0499ab5e: 427e0288 4ebda1ce 6ff9a3f6 4c144ac2',
  '16b22e49: 427e0288 4ebda1ce 6ff9a3f6 4c144ac2',
];

if (!existsSync(SNAPSHOT)) {
  console.warn(`go-global-sync: SKIPPED, snapshot not found at ${SNAPSHOT}`);
  test.skip('32 chunks uploaded into snapshot_16 reach every node of their area of responsibility', () => {});
} else {
  for (const seed of SEEDS) {
    test(`32 chunks uploaded into snapshot_16 reach every node of their area of responsibility (seed ${seed})`, () => {
      const topology = loadSnapshot(SNAPSHOT);
      const world = makeWorld(topology, `global-${seed}`, { redial: false });
      const drops = watchDrops(world);
      const adj = adjacency(topology);
      world.start();
      assert.ok(world.runUntilQuiescent(world.now + 60 * SECOND), 'subscriptions settle');
      const uploader = createRng(`global-${seed}`).fork('uploader').int(world.nodes.length);
      const chunks = uploadChunks(world, uploader, CHUNKS);
      assert.ok(world.runUntilQuiescent(world.now + 180 * SECOND), 'syncing settles within the Go test\'s 3 minutes');
      assert.equal(drops, [], 'no drop');

      const depths = world.nodes.map((_, n) => liveDepth(world, n, adj[n]!));
      depths.forEach((d, n) => assert.is(world.nodes[n]!.kad.depth, d, `node ${n} depth`));
      let aor = 0;
      for (const c of chunks) {
        for (let n = 0; n < world.nodes.length; n++) {
          if (chunkPO256(world, c, n) < depths[n]!) continue;
          aor++;
          assert.ok(holds(world, n, c), `node ${n} (depth ${depths[n]}, PO ${chunkPO256(world, c, n)}) holds chunk ${c}`);
        }
      }
      const unreached = goOracleUnreached(world, chunks);
      console.log(`go-global-sync seed ${seed}: uploader ${topology.ids[uploader]!.slice(0, 8)}, ${aor} area-of-responsibility pairs all reached; Go oracle: ${unreached.length} pairs never reached`);
    });
  }

  let outcome: RunOutcome | undefined;
  /** scenarios/global-sync-16x32.json run once on its own seed, for the two tests below */
  const shippedRun = (): RunOutcome => {
    if (outcome) return outcome;
    const { scenario, topology } = loadScenario(join(ROOT, 'scenarios', 'global-sync-16x32.json'));
    return (outcome = runScenario(scenario, topology, { seed: scenario.seed }));
  };

  test("the shipped global-sync-16x32 passes pullsim's checker: every (chunk, AoR node) pair is held", () => {
    const v = shippedRun().verdict;
    assert.ok(v.quiescent, 'the run ends with nothing pending');
    assert.ok(v.pass, v.violations.slice(0, 3).map((x) => x.detail).join('; '));
    assert.is(v.aorHeld, v.aorPairs);
    assert.ok(v.aorPairs >= CHUNKS, `${v.aorPairs} AoR pairs`);
  });

  test('on the shipped global-sync-16x32 the Go oracle expects exactly these pairs that no sync serves, all outside the AoR', () => {
    const run = shippedRun();
    const world = streamWorld(run.world);
    const adj = adjacency(world.topology);
    const depths = world.nodes.map((_, n) => liveDepth(world, n, adj[n]!));
    const pairs = goOracleUnreached(world, run.uploaded);
    const byChunk = new Map<string, string[]>();
    for (const [c, n] of pairs) {
      assert.ok(chunkPO256(world, c, n) < depths[n]!, `node ${n} is outside chunk ${c}'s area of responsibility`);
      const key = world.chunks.hex(c).slice(0, 8);
      byChunk.set(key, [...(byChunk.get(key) ?? []), world.topology.ids[n]!.slice(0, 8)]);
    }
    assert.equal([...byChunk].map(([c, nodes]) => `${c}: ${nodes.join(' ')}`), UNREACHED_AT_SEED_1);
    const reported = run.verdict.chunks.reduce((a, c) => a + c.goOracle!.expected - c.goOracle!.reached, 0);
    assert.is(reported, pairs.length, "the checker's report of the oracle counts the same pairs");
  });
}

test.run();
