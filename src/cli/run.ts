import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { UsageError } from '../core/errors.js';
import { formatMicros } from '../core/units.js';
import { buildResult, configHash, type ResultJson } from '../report/result.js';
import { loadScenario } from '../scenario/loader.js';
import { withMutant } from '../scenario/mutants.js';
import { withSwarmFaults } from '../scenario/swarm.js';
import { runScenario, type RunOutcome } from '../scenario/runner.js';
import { TraceRecorder, firstDivergence } from '../scenario/trace.js';
import { traceLines } from '../scenario/trace-format.js';
import { checkFolder, removeStale, writeFile, type OutputKind } from './files.js';
import { err, out } from './io.js';
import { bad, bold, dim, fmtInt, jsonPieces, ok, Progress, warn } from './output.js';
import { portablePath, terminalLine } from './reproduce.js';
import { variantFolder } from './sweep.js';

export interface RunArgs {
  scenario: string;
  seed?: number;
  out?: string;
  json: boolean;
  trace: boolean;
  /** the most records trace.jsonl keeps (default TRACE_LIMIT) */
  traceLimit?: number;
  /** only records touching these nodes (and every run-wide record: depth, node up/down, faults) */
  traceNodes?: number[];
  checkDeterminism: boolean;
  /** switch on one mutant / latent defect / the race (see src/scenario/mutants.ts) */
  mutant?: string;
  /** add the fault mix that `sweep --swarm` draws for this seed */
  swarm?: boolean;
  /** also write index.html next to result.json */
  report?: boolean;
  /** replace files in the output folder even when they are not pullsim's */
  force?: boolean;
}

/** Records trace.jsonl keeps by default: about 100 MB of lines, and as many small objects in memory during the run. */
export const TRACE_LIMIT = 1_000_000;

export interface RunDone {
  code: number;
  dir: string;
  result: ResultJson;
}

/** `pullsim run`: one scenario, one seed; writes result.json and prints a summary and a reproduce line. */
export async function runCommand(a: RunArgs): Promise<RunDone> {
  const loaded = loadScenario(a.scenario);
  const topology = loaded.topology;
  const mutated = a.mutant === undefined ? loaded.scenario : withMutant(loaded.scenario, a.mutant);
  const seed = a.seed ?? mutated.seed;
  const scenario = a.swarm ? withSwarmFaults(mutated, seed, topology).scenario : mutated;
  const dir = a.out ?? join(variantFolder(scenario.name, a.mutant, a.swarm), String(seed));
  const outputs: [string, OutputKind][] = [['result.json', 'result']];
  if (a.trace) outputs.push(['trace.jsonl', 'trace']);
  if (a.report) outputs.push(['index.html', 'page']);
  checkFolder(dir, outputs, { flag: a.out === undefined ? 'the default output folder' : '--out', force: a.force ?? false });
  for (const n of a.traceNodes ?? []) if (n >= topology.ids.length) throw new UsageError('command line', '--trace-nodes', `node indexes of the topology (0..${topology.ids.length - 1})`, String(n));
  const trace = a.checkDeterminism ? new TraceRecorder() : undefined;
  const progress = new Progress();
  const outcome = runScenario(scenario, topology, {
    seed,
    ...(trace ? { sink: trace } : {}),
    ...(a.trace ? { trace: { limit: a.traceLimit ?? TRACE_LIMIT, ...(a.traceNodes ? { filter: { nodes: a.traceNodes, chunks: [] } } : {}) } } : {}),
    wallClock: () => performance.now(),
    progress: (now, events) => progress.update(`${scenario.name} seed ${seed}: virtual ${formatMicros(now)}, ${fmtInt(events)} events`),
  });
  progress.done();
  const hash = configHash(scenario, topology);
  const result = buildResult(outcome, portablePath(a.scenario), hash, a.mutant, a.swarm);
  let code = result.expectationMet ? 0 : 1;
  const lines: string[] = [];
  if (a.checkDeterminism) {
    const again = new TraceRecorder();
    const second = runScenario(scenario, topology, { seed, sink: again });
    const same = second.fingerprint === outcome.fingerprint;
    lines.push(...determinismReport(outcome, second, trace!, again));
    if (!same) code = 1;
  }
  writeFile(join(dir, 'result.json'), function* () {
    yield* jsonPieces(result);
    yield '\n';
  });
  const log = outcome.trace;
  if (log) {
    writeFile(join(dir, 'trace.jsonl'), () => traceLines(log.header(scenario.name, seed, outcome.fingerprint, hash), log.records));
    if (log.dropped > 0) lines.push(`  ${warn('warning')}: trace.jsonl holds the first ${fmtInt(log.records.length)} records (--trace-limit); ${fmtInt(log.dropped)} more were left out`);
  }
  // pages and traces of an earlier run in this folder no longer describe what result.json holds
  const stale = [...(a.report ? [] : (['index.html', 'page'] as const)), ...(a.trace ? [] : (['trace.jsonl', 'trace'] as const))];
  for (let i = 0; i < stale.length; i += 2) if (removeStale(join(dir, stale[i]!), stale[i + 1] as OutputKind)) lines.push(dim(`  removed ${join(dir, stale[i]!)} (an earlier run's, now stale)`));
  const repro = terminalLine(a.scenario, { seed, mutant: a.mutant, swarm: a.swarm });
  if (a.json) out(JSON.stringify({ ...summaryJson(result, dir), reproduceHere: repro }, null, 2));
  else out([...summaryText(result, dir, repro), ...lines].join('\n'));
  if (a.report) {
    const { writeRunReport } = await import('./report.js');
    (a.json ? err : out)(`report ${await writeRunReport(dir, result, { file: a.scenario, scenario, topology, seed })}`);
  }
  return { code, dir, result };
}

function determinismReport(first: RunOutcome, second: RunOutcome, x: TraceRecorder, y: TraceRecorder): string[] {
  if (first.fingerprint === second.fingerprint && firstDivergence(x, y) === -1) {
    return [`determinism: ${ok('same')} fingerprint ${first.fingerprint} over ${fmtInt(x.length)} events in two runs`];
  }
  const i = firstDivergence(x, y);
  const show = (e: ReturnType<TraceRecorder['at']>) => (e ? `t=${e.time}us ${first.world.engine.kindName(e.kind)}(${e.a}, ${e.b}, ${e.c})` : 'no event (the run ended)');
  return [
    `determinism: ${bad('DIVERGED')} ${first.fingerprint} vs ${second.fingerprint}`,
    `  first divergence at event #${i}:`,
    `    run 1: ${show(x.at(i))}`,
    `    run 2: ${show(y.at(i))}`,
  ];
}

export function summaryJson(r: ResultJson, dir: string): Record<string, unknown> {
  return {
    scenario: r.scenario,
    seed: r.seed,
    configHash: r.configHash,
    fingerprint: r.fingerprint,
    verdict: r.verdict,
    expect: r.expect,
    expectationMet: r.expectationMet,
    metrics: r.metrics,
    violations: r.violations.slice(0, 20),
    truncated: r.truncated,
    result: join(dir, 'result.json'),
    reproduce: r.reproduce,
  };
}

/** Whether and when the run converged; a run that did not says what is missing and what was still pending. */
function convergenceText(m: ResultJson['metrics']): string {
  const missing = m.aorPairs - m.aorHeld;
  const held = missing > 0 ? `  ${bad('NOT converged')}: ${fmtInt(missing)} of ${fmtInt(m.aorPairs)} (chunk, AoR node) pairs missing at the end` : `  converged at ${formatMicros(m.convergenceMicros)} virtual`;
  const end = m.quiescent ? `quiet from ${formatMicros(m.quietMicros)}` : `${bad('not quiescent')}: stopped at ${formatMicros(m.endMicros)} with ${fmtInt(m.pendingEvents)} events pending`;
  return `${held} (${end})`;
}

function summaryText(r: ResultJson, dir: string, repro: string): string[] {
  const m = r.metrics;
  const verdict = r.verdict === 'pass' ? ok('PASS') : bad('FAIL');
  const expectation = r.expectationMet ? ok('as expected') : bad(`expected ${r.expect.verdict}`);
  const msgs = Object.entries(m.messages).map(([k, v]) => `${k} ${fmtInt(v)}`).join(', ');
  const lines = [
    `${bold('pullsim')} ${r.scenario}  seed ${bold(String(r.seed))}  config ${r.configHash}  fingerprint ${r.fingerprint}`,
    `  nodes ${fmtInt(m.nodes)}, chunks ${fmtInt(m.chunks)}, AoR pairs held ${fmtInt(m.aorHeld)}/${fmtInt(m.aorPairs)}, beyond AoR ${fmtInt(m.redundancy)}`,
    convergenceText(m) + `, ${fmtInt(m.events)} events, wall ${fmtInt(m.wallMs)} ms`,
    `  messages ${fmtInt(m.messagesTotal)} (${msgs}), ${fmtInt(m.bytes)} bytes`,
    `  deliveries ${fmtInt(m.deliveries)}, duplicates ${fmtInt(m.duplicates)} (allowed ${r.expect.maxDuplicates === null ? 'any number' : fmtInt(r.expect.maxDuplicates)}), drops ${fmtInt(Object.values(m.drops).reduce((a, b) => a + b, 0))}${Object.keys(m.drops).length ? ` (${Object.entries(m.drops).map(([k, v]) => `${k}: ${v}`).join(', ')})` : ''}, scenario disconnects ${fmtInt(m.disconnects)}`,
    `  Go oracle pairs never reached: ${fmtInt(m.goOracleUnreached)} ${dim('(reported, not asserted)')}`,
    `  verdict ${verdict} (${expectation})`,
  ];
  for (const w of r.warnings) lines.push(`  ${warn('warning')}: ${w}`);
  const byKind = new Map<string, number>();
  for (const v of r.violations) byKind.set(v.kind, (byKind.get(v.kind) ?? 0) + 1);
  for (const [kind, n] of byKind) {
    const total = r.truncated[kind] ?? n;
    lines.push(`  ${bad(kind)}: ${fmtInt(total)}`);
    for (const v of r.violations.filter((x) => x.kind === kind).slice(0, 5)) {
      lines.push(`    ${v.node ? `node ${v.nodeIndex} ${v.node.slice(0, 8)} ` : ''}${v.chunk ? `chunk ${v.chunk.slice(0, 8)} ` : ''}at ${formatMicros(v.at)}: ${v.detail}`);
    }
  }
  lines.push(`  result ${join(dir, 'result.json')}`);
  lines.push(`  reproduce: ${repro}`);
  return lines;
}
