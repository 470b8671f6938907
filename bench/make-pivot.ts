// Writes snapshots/pivot-6.json: a hand-made 6-node star whose pivot's depth flips between 2 and 0 when its
// only PO-0 peer leaves. Used by the mutant scenarios (scenarios/mutants/). Run: node dist/bench/make-pivot.js
import { AddressTable, hexToBytes } from '../src/topology/address.js';
import { snapshotJson, writeJsonAtomic } from '../src/topology/write.js';
import type { Topology } from '../src/topology/topology.js';

const tail = 'c3a5e1f2b4d6978a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f6071';
const prefixes = ['00', '80', '40', '20', '30', '60']; // pivot X, A (PO 0), B (PO 1), C (PO 2), D (PO 2), E (PO 1)
const addrs = new AddressTable(prefixes.length);
for (const p of prefixes) addrs.add(hexToBytes(p + tail)!);
const ids = prefixes.map((_, i) => addrs.hex(i));
const t: Topology = { addrs, ids, conns: [[0, 1], [0, 2], [0, 3], [0, 4], [0, 5]], up: ids.map(() => true), source: 'pivot-6' };
writeJsonAtomic('snapshots/pivot-6.json', snapshotJson(t));
console.log('wrote snapshots/pivot-6.json');
