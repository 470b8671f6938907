// Writes snapshots/generated-{16,64,256}.json (seed 1, default options). Run after a build:
// node dist/bench/make-snapshots.js
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateTopology } from '../src/topology/generate.js';
import { snapshotJson, writeJsonAtomic } from '../src/topology/write.js';

const SIZES = [16, 64, 256];
const SEED = 1;

function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('no package.json above the script');
    dir = up;
  }
  return dir;
}

const out = join(repoRoot(), 'snapshots');
mkdirSync(out, { recursive: true });
for (const n of SIZES) {
  const t = generateTopology(n, SEED);
  const file = join(out, `generated-${n}.json`);
  writeJsonAtomic(file, snapshotJson(t));
  console.log(`${file}: ${n} nodes, ${t.conns.length} connections (${t.source})`);
}
