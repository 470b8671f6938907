import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadSnapshot } from '../src/topology/snapshot.js';
import { adjacency, type Topology } from '../src/topology/topology.js';
import { po256 } from '../src/topology/address.js';
import { depthFromPOs } from '../src/topology/depth.js';
import { Kademlia } from '../src/protocol/kademlia.js';

// Tests run from dist/test/*.js: the repository root is two levels up; the real snapshots sit beside it.
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SNAPSHOTS = join(ROOT, '..', 'shared', 'snapshots');
const FOLDERS = ['swarm-stream', 'swarm-pss'];
const NEIGHBOURHOOD_SIZE = 2;
// The snapshots README says 543 nodes; the 15 files hold 4+16+32+64+128+256 (stream) + 2+3+4+8+16+32+64+128+256 (pss).
const EXPECTED_FILES = 15;
const EXPECTED_NODES = 1013;

const present = FOLDERS.every((f) => existsSync(join(SNAPSHOTS, f)));
if (!present) {
  console.warn(
    [
      '',
      '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!',
      `!!! DEPTH ORACLE SKIPPED: the real Swarm snapshots are missing (looked in ${SNAPSHOTS}/{${FOLDERS.join(',')}})`,
      '!!! The depth algorithm is NOT being checked against the Go hive printouts.',
      '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!',
      '',
    ].join('\n'),
  );
}
const maybe = present ? test : test.skip;

interface Snapshot {
  file: string;
  topology: Topology;
  /** the `DEPTH: n` of each node's hive printout, by node index */
  hiveDepths: number[];
}

/** Every snapshot file of both folders, loaded once, in a fixed order. */
function snapshots(): Snapshot[] {
  const out: Snapshot[] = [];
  for (const folder of FOLDERS) {
    const names = readdirSync(join(SNAPSHOTS, folder)).filter((n) => n.endsWith('.json')).sort();
    for (const name of names) {
      const file = join(SNAPSHOTS, folder, name);
      const topology = loadSnapshot(file);
      const raw = JSON.parse(readFileSync(file, 'utf8')) as { nodes: { node: { info: { protocols: { hive: string } } } }[] };
      const hiveDepths = raw.nodes.map((n, i) => {
        const m = /DEPTH: (\d+)/.exec(n.node.info.protocols.hive);
        assert.ok(m, `${folder}/${name} node ${i}: no DEPTH line in the hive printout`);
        return Number(m![1]);
      });
      assert.is(hiveDepths.length, topology.ids.length, `${folder}/${name}: one hive printout per node`);
      out.push({ file: `${folder}/${name}`, topology, hiveDepths });
    }
  }
  return out;
}

let cache: Snapshot[] | undefined;
const all = (): Snapshot[] => (cache ??= snapshots());

/** PO256 from node i to each of its connected peers. */
function peerPOs(t: Topology, adj: number[][], i: number): number[] {
  return adj[i]!.map((p) => po256(t.addrs, i, t.addrs, p));
}

maybe('all 15 real snapshot files load, with 1013 nodes in total', () => {
  const s = all();
  assert.is(s.length, EXPECTED_FILES, s.map((x) => x.file).join(', '));
  assert.is(s.reduce((n, x) => n + x.topology.ids.length, 0), EXPECTED_NODES);
});

maybe('the depth computed from each node\'s connected peers equals the DEPTH of its hive printout, for every node of every snapshot', () => {
  let checked = 0;
  const mismatches: string[] = [];
  for (const { file, topology: t, hiveDepths } of all()) {
    const adj = adjacency(t);
    for (let i = 0; i < t.ids.length; i++) {
      const depth = depthFromPOs(peerPOs(t, adj, i), NEIGHBOURHOOD_SIZE);
      if (depth !== hiveDepths[i]) mismatches.push(`${file} node ${i} (${t.ids[i]!.slice(0, 8)}): computed ${depth}, hive says ${hiveDepths[i]}`);
      checked++;
    }
  }
  assert.equal(mismatches, []);
  assert.is(checked, EXPECTED_NODES);
});

maybe('the incremental Kademlia fed one connected peer at a time ends at the hive printout DEPTH for every node', () => {
  let checked = 0;
  const mismatches: string[] = [];
  for (const { file, topology: t, hiveDepths } of all()) {
    const adj = adjacency(t);
    for (let i = 0; i < t.ids.length; i++) {
      const k = new Kademlia(NEIGHBOURHOOD_SIZE);
      const pos = peerPOs(t, adj, i);
      let last = 0;
      for (const po of pos) {
        const changed = k.on(po);
        assert.is(changed, k.depth !== last, `${file} node ${i}: on() reports a depth change exactly when there was one`);
        last = k.depth;
      }
      assert.is(k.size, pos.length);
      if (k.depth !== hiveDepths[i]) mismatches.push(`${file} node ${i} (${t.ids[i]!.slice(0, 8)}): kademlia ${k.depth}, hive says ${hiveDepths[i]}`);
      checked++;
    }
  }
  assert.equal(mismatches, []);
  assert.is(checked, EXPECTED_NODES);
});

maybe('the snapshot depths span a useful range (0 to 9), so the oracle is not trivially satisfied', () => {
  const depths = new Set(all().flatMap((s) => s.hiveDepths));
  assert.equal([...depths].sort((a, b) => a - b), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
});

test.run();
