// Writes snapshots/generated-{16,64,256}.json (seed 1, default options). Run after a build:
// node dist/bench/make-snapshots.js
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { generateTopology } from '../src/topology/generate.js';
import { snapshotJson, writeJsonAtomic } from '../src/topology/write.js';
import { repoRoot } from './root.js';

const SIZES = [16, 64, 256];
const SEED = 1;


const out = join(repoRoot(), 'snapshots');
mkdirSync(out, { recursive: true });
for (const n of SIZES) {
  const t = generateTopology(n, SEED);
  const file = join(out, `generated-${n}.json`);
  writeJsonAtomic(file, snapshotJson(t));
  console.log(`${file}: ${n} nodes, ${t.conns.length} connections (${t.source})`);
}
