import { dirname, join, relative, resolve, sep } from 'node:path';
import { performance } from 'node:perf_hooks';
import { formatMicros } from '../core/units.js';
import { buildResult, configHash } from '../report/result.js';
import { loadScenario, type Loaded } from '../scenario/loader.js';
import { runScenario } from '../scenario/runner.js';
import { shrunkJson, type Provenance } from '../scenario/shrink/file.js';
import { kindsOf, shows } from '../scenario/shrink/probe.js';
import type { State } from '../scenario/shrink/state.js';
import { snapshotJson } from '../topology/write.js';
import { removeStale, writeFile } from './files.js';
import { jsonPieces } from './output.js';
import { portablePath } from './reproduce.js';

export interface Written {
  /** the scenario file */
  file: string;
  /** the snapshot beside it, when the topology shrank */
  snapshot: string | undefined;
  report: string;
  seed: number;
  after: { nodes: number; chunks: number; events: number };
  /** the file, re-run, shows the property (false: not even the first state did) */
  reproduces: boolean;
  /** the property's first violation in that re-run, as a line */
  firstViolation: string;
  notes: string[];
}

interface Context {
  loaded: Loaded;
  raw: Record<string, unknown>;
  provenance: Provenance;
  /** the original scenario file (its snapshot path is rewritten relative to the output) */
  scenarioFile: string;
}

/**
 * Writes the last state of a shrink as DIR/scenario.json (and DIR/snapshot.json when the topology shrank), runs
 * that file as `pullsim run` would, and checks that it shows the property again; if it does not, the state before
 * it, and so on back to the start (each was a failing candidate). Then the run's result.json and index.html.
 */
export async function writeShrunk(dir: string, history: readonly State[], c: Context): Promise<Written> {
  const property = c.provenance.property;
  const notes: string[] = [];
  for (let i = history.length - 1; ; i--) {
    const st = history[i]!;
    const { file, snapshot } = writeScenario(dir, st, c);
    const loaded = loadScenario(file);
    const outcome = runScenario(loaded.scenario, loaded.topology, { seed: loaded.scenario.seed, wallClock: () => performance.now() });
    const v = outcome.verdict;
    const reproduces = shows({ kinds: kindsOf(v), quiescent: v.quiescent }, property);
    if (!reproduces && i > 0) {
      notes.push(`step ${i} of the shrink did not show ${property} again when written and re-run; kept an earlier one`);
      continue;
    }
    const result = buildResult(outcome, portablePath(file), configHash(loaded.scenario, loaded.topology));
    writeFile(join(dir, 'result.json'), function* () {
      yield* jsonPieces(result);
      yield '\n';
    });
    const { writeRunReport } = await import('./report.js');
    const report = await writeRunReport(dir, result);
    const first = result.violations.filter((x) => x.kind === property).sort((x, y) => x.at - y.at)[0];
    return {
      file,
      snapshot,
      report,
      seed: loaded.scenario.seed,
      after: { nodes: loaded.topology.ids.length, chunks: outcome.uploaded.length, events: loaded.scenario.events.length },
      reproduces,
      firstViolation: first ? `${first.node ? `node ${first.nodeIndex} ${first.node.slice(0, 8)} ` : ''}${first.chunk ? `chunk ${first.chunk.slice(0, 8)} ` : ''}at ${formatMicros(first.at)}: ${first.detail}` : 'none',
      notes,
    };
  }
}

/** The scenario file of a state, and its own snapshot when the topology is not the original's. */
function writeScenario(dir: string, st: State, c: Context): { file: string; snapshot: string | undefined } {
  const file = join(dir, 'scenario.json');
  const snapshotFile = join(dir, 'snapshot.json');
  const o = c.loaded.topology;
  const t = st.topology;
  const same = JSON.stringify([o.ids, o.conns, o.up]) === JSON.stringify([t.ids, t.conns, t.up]);
  let topology: unknown;
  if (!same) {
    writeFile(snapshotFile, JSON.stringify(snapshotJson(t, st.scenario.protocol.neighbourhoodSize), null, 1) + '\n');
    topology = { snapshot: 'snapshot.json' };
  } else {
    removeStale(snapshotFile, 'snapshot');
    const spec = c.loaded.scenario.topology;
    topology = 'snapshot' in spec ? { snapshot: relative(resolve(dir), resolve(dirname(c.scenarioFile), spec.snapshot)).split(sep).join('/') } : c.raw.topology;
  }
  writeFile(file, JSON.stringify(shrunkJson(st, c.raw, topology, c.provenance), null, 2) + '\n');
  return { file, snapshot: same ? undefined : snapshotFile };
}
