/**
 * Port of Go's TestStarNetworkSyncWithBogusNodes (PROTOCOL.md §8): a pivot P with two real peers A and B
 * (each connected only to P, so they pull every bin from it) and 12 kademlia-only bogus peers at PO 0..11
 * that push P's depth to about 10. A and B then upload 505 chunks each. For an uploader U outside P's depth,
 * P pulls only U's bin PO(U,P), so after 4 s: c is at P if and only if PO(c,U) == PO(U,P).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createRng } from '../src/core/rng.js';
import { MS, SECOND } from '../src/core/units.js';
import { AddressTable, po256 } from '../src/topology/address.js';
import { addressAtPO, chunkPO, holds, makeWorld, nodePO, randomAddresses, topologyOf, uploadChunks } from './helpers/net.js';

const P = 0;
const UPLOADERS = [1, 2];
const BOGUS = 12;
const CHUNKS_PER_FILE = 505; // a 500*4096-byte file: 500 leaves + 4 intermediates + 1 root

for (const seed of [1, 2, 3]) {
  test(`a pivot with 12 bogus peers holds exactly the chunks of its out-of-depth uploaders' bin PO(uploader, pivot) (seed ${seed})`, () => {
    const rng = createRng(`star-${seed}`);
    const addresses = randomAddresses(3, rng.fork('nodes'));
    const world = makeWorld(topologyOf(addresses, [[P, 1], [P, 2]]), `star-${seed}`);
    world.start();
    world.runUntil(50 * MS);

    const bogus = new AddressTable(BOGUS + 1);
    bogus.add(addresses[P]!);
    const bogusRng = rng.fork('bogus');
    for (let i = 0; i < BOGUS; i++) {
      const id = bogus.add(addressAtPO(addresses[P]!, i, bogusRng));
      const po = po256(bogus, 0, bogus, id);
      assert.is(po, i, `bogus peer ${i} sits at PO ${i}`);
      world.fakePeer(P, po, true);
    }
    world.runUntil(world.now + 50 * MS);
    const depth = world.nodes[P]!.kad.depth;
    if (depth < 1) {
      console.warn(`go-star-bogus seed ${seed}: pivot depth ${depth} < 1, nothing to check (the Go test skips too)`);
      return;
    }

    const files = UPLOADERS.map((u) => ({ u, chunks: uploadChunks(world, u, CHUNKS_PER_FILE) }));
    world.runUntil(world.now + 4 * SECOND);

    let included = 0;
    let excluded = 0;
    for (const { u, chunks } of files) {
      const po = nodePO(world, u, P);
      if (po >= depth) continue;
      for (const c of chunks) {
        const expected = chunkPO(world, c, u) === po;
        assert.is(holds(world, P, c), expected, `chunk ${c} of node ${u} (PO(c,U)=${chunkPO(world, c, u)}, PO(U,P)=${po}, depth ${depth})`);
        if (expected) included++;
        else excluded++;
      }
    }
    assert.ok(included > 0 && excluded > 0, `both inclusion (${included}) and exclusion (${excluded}) were checked`);
  });
}

test.run();
