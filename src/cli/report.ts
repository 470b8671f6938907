import { dirname, join } from 'node:path';
import { UsageError } from '../core/errors.js';
import { compareHtml, configDiff, deltaCells, runDeltas, runReportHtml, sideNames, sweepDeltas, sweepReportHtml, type Comparable } from '../report/html.js';
import type { ResultJson } from '../report/result.js';
import type { SweepJson } from '../report/sweep.js';
import { checkFile, writeFile } from './files.js';
import { out } from './io.js';
import { readReportInput, type Input } from './report-input.js';
import type { RunSource } from './rerun.js';
import { reportStories } from './report-stories.js';
import { sweepPagePath } from './sweep.js';
export { readReportInput } from './report-input.js';

/**
 * Writes index.html into a run's folder (checked by the caller), with the stories of its first violations (from
 * the folder's trace or a re-run of the scenario; `source` when the caller has it); returns its path. Used by
 * `pullsim run --report` too.
 */
export async function writeRunReport(dir: string, result: ResultJson, source?: RunSource): Promise<string> {
  const file = join(dir, 'index.html');
  writeFile(file, await runReportHtml(result, reportStories(result, join(dir, 'result.json'), source)));
  return file;
}

/**
 * Writes a sweep's page next to its summary, named after it (sweep-1-500.json -> sweep-1-500.html): a scenario's
 * sweeps share one folder, so "index.html" would make each overwrite the last.
 */
export async function writeSweepReport(summaryFile: string, sweep: SweepJson): Promise<string> {
  const file = sweepPagePath(summaryFile);
  writeFile(file, await sweepReportHtml(sweep));
  return file;
}

const pageOf = (x: Input): string => (x.kind === 'run' ? join(dirname(x.file), 'index.html') : sweepPagePath(x.file));

/** `pullsim report PATH...`: checks every input and every page's place first, then writes each page and prints its path. */
export async function reportCommand(paths: string[], force = false): Promise<number> {
  const inputs = paths.map(readReportInput);
  for (const x of inputs) checkFile(pageOf(x), 'page', { flag: 'the page next to each input', force });
  for (const x of inputs) out(x.kind === 'run' ? await writeRunReport(dirname(x.file), x.result) : await writeSweepReport(x.file, x.sweep));
  return 0;
}

const slug = (s: string) => s.replace(/[^A-Za-z0-9._-]+/g, '_');
const side = (x: Input) => (x.kind === 'run' ? `${slug(x.result.scenario)}-${x.result.seed}` : `${slug(x.sweep.scenario)}-${slug(x.sweep.seeds)}`);

/** The delta table as aligned plain text. */
export function deltaText(a: Comparable, b: Comparable): string[] {
  const deltas = a.kind === 'run' && b.kind === 'run' ? runDeltas(a.result, b.result) : a.kind === 'sweep' && b.kind === 'sweep' ? sweepDeltas(a.sweep, b.sweep) : [];
  const rows = [['metric', 'A', 'B', 'B - A', 'change'], ...deltas.map((d) => [d.metric, ...deltaCells(d)])];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd());
}

/** `pullsim compare A B`: two runs (or two sweeps) side by side; prints the deltas and the page's path. */
export async function compareCommand(a: string, b: string, outFile?: string, force = false): Promise<number> {
  const x = readReportInput(a);
  const y = readReportInput(b);
  if (x.kind !== y.kind) throw new UsageError(y.file, '$', `a ${x.kind === 'run' ? 'run result' : 'sweep summary'} like ${x.file} (compare runs with runs, sweeps with sweeps)`, `a ${y.kind}`);
  const file = outFile ?? join('reports', `compare-${side(x)}-vs-${side(y)}`, 'index.html');
  checkFile(file, 'page', { flag: outFile === undefined ? 'the default compare page' : '--out', force });
  writeFile(file, await compareHtml(x, y));
  const names = sideNames(x, y);
  const diff = x.kind === 'run' && y.kind === 'run' ? configDiff(x.result.config, y.result.config) : [];
  const lines = [names[0], names[1], ...diff.map(([p, u, v]) => `  ${p}: ${u} -> ${v}`), '', ...deltaText(x, y), '', `compare ${file}`];
  out(lines.join('\n'));
  return 0;
}
