import { snapshotJson } from '../topology/write.js';
import { generateTopology } from '../topology/generate.js';
import { loadSnapshot } from '../topology/snapshot.js';
import { formatTopologyReport, topologyReport } from '../topology/stats.js';
import { checkFile, writeFile } from './files.js';
import { err, out } from './io.js';

export interface GenerateArgs {
  nodes: number;
  seed: number;
  out?: string;
  binSize?: number;
  neighbourhoodSize: number;
  force?: boolean;
}

/** `pullsim snapshot generate`: a hive-like topology in the snapshot format, to a file or stdout. */
export function generateCommand(a: GenerateArgs): number {
  if (a.out !== undefined) checkFile(a.out, 'snapshot', { flag: '--out', force: a.force ?? false });
  const t = generateTopology(a.nodes, a.seed, { neighbourhoodSize: a.neighbourhoodSize, ...(a.binSize !== undefined ? { binSize: a.binSize } : {}) });
  const text = JSON.stringify(snapshotJson(t, a.neighbourhoodSize), null, 1) + '\n';
  if (a.out) {
    writeFile(a.out, text);
    err(`wrote ${a.out}: ${t.ids.length} nodes, ${t.conns.length} connections (seed ${a.seed})`);
  } else out(text.replace(/\n$/, ''));
  return 0;
}

/** `pullsim topology FILE`: depth, degree and peers per bin of every node, plus a summary. */
export function topologyCommand(file: string, json: boolean, neighbourhoodSize: number): number {
  const report = topologyReport(loadSnapshot(file), neighbourhoodSize);
  out(json ? JSON.stringify(report, null, 1) : formatTopologyReport(report));
  return 0;
}
