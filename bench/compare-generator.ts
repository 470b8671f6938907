// Compares generated networks with the real Swarm snapshots in ../shared/snapshots/swarm-stream/ and prints a
// markdown table, then the mean degree over several seeds for several bin sizes (how binSize was chosen).
// Run after a build: node dist/bench/compare-generator.js
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { generateTopology } from '../src/topology/generate.js';
import { loadSnapshot } from '../src/topology/snapshot.js';
import { compareStats, topologyReport, type TopologySummary } from '../src/topology/stats.js';
import { repoRoot } from './root.js';

const SIZES = [16, 32, 64, 128, 256];
const SEED = 1;
const BIN_SIZES = [4, 2];
const CALIBRATION_BIN_SIZES = [2, 3, 4, 5];
const CALIBRATION_SEEDS = 8;


const rows: { label: string; summary: TopologySummary }[] = [];
const calibration = [
  `| nodes | real | ${CALIBRATION_BIN_SIZES.map((b) => `binSize ${b}`).join(' | ')} |`,
  `| ---: | ---: | ${CALIBRATION_BIN_SIZES.map(() => '---:').join(' | ')} |`,
];
for (const n of SIZES) {
  const file = join(repoRoot(), '..', 'shared', 'snapshots', 'swarm-stream', `snapshot_${n}.json`);
  const real = existsSync(file) ? topologyReport(loadSnapshot(file)).summary : undefined;
  if (real) rows.push({ label: `real snapshot_${n}`, summary: real });
  else console.warn(`missing ${file}: no real row for ${n} nodes`);
  calibration.push(`| ${n} | ${real ? real.degree.mean.toFixed(1) : '-'} | ${CALIBRATION_BIN_SIZES.map((b) => meanDegree(n, b)).join(' | ')} |`);
  for (const binSize of BIN_SIZES) {
    const summary = topologyReport(generateTopology(n, SEED, { binSize })).summary;
    rows.push({ label: `generated ${n}, seed ${SEED}, binSize ${binSize}`, summary });
  }
}
console.log(compareStats(rows));
console.log(`\nMean degree, real snapshot vs generated (mean over seeds 1..${CALIBRATION_SEEDS}):\n`);
console.log(calibration.join('\n'));

function meanDegree(nodes: number, binSize: number): string {
  let total = 0;
  for (let seed = 1; seed <= CALIBRATION_SEEDS; seed++) {
    total += topologyReport(generateTopology(nodes, seed, { binSize })).summary.degree.mean;
  }
  return (total / CALIBRATION_SEEDS).toFixed(1);
}
