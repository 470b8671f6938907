// npm run bench [-- --json] [-- --only NAME[,NAME...]] [-- --inline]
//
// Runs each benchmark case in a child process of its own (so its peak RSS is its own), then prints a table
// (markdown) or, with --json, one JSON document (and the table on stderr). Children get this process's node
// flags, so `node --cpu-prof dist/bench/bench.js --only snapshot_256` writes a profile of the case itself.
// A benchmark, never a timed test: no figure is compared with a limit.
import { spawnSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { CASES, REFERENCE, type CaseResult } from './cases.js';

interface Args {
  json: boolean;
  only: string[] | undefined;
  inline: boolean;
  child: string | undefined;
}

const MARK = 'BENCH-RESULT ';

function parseArgs(argv: string[]): Args {
  const a: Args = { json: false, only: undefined, inline: false, child: undefined };
  for (let i = 0; i < argv.length; i++) {
    const x = argv[i]!;
    const value = (): string => {
      const v = x.includes('=') ? x.slice(x.indexOf('=') + 1) : argv[++i];
      if (v === undefined) usage(`${x} needs a value`);
      return v!;
    };
    if (x === '--json') a.json = true;
    else if (x === '--inline') a.inline = true;
    else if (x === '--only' || x.startsWith('--only=')) a.only = [...(a.only ?? []), ...value().split(',').filter((s) => s !== '')];
    else if (x === '--case' || x.startsWith('--case=')) a.child = value();
    else if (x === '--help' || x === '-h') usage();
    else usage(`unknown argument ${x}`);
  }
  for (const n of [...(a.only ?? []), ...(a.child ? [a.child] : [])]) if (!CASES.some((c) => c.name === n)) usage(`no case named ${n}`);
  return a;
}

function usage(problem?: string): never {
  const out = [
    ...(problem ? [`bench: ${problem}`] : []),
    'usage: node dist/bench/bench.js [--json] [--only NAME[,NAME...]] [--inline]',
    `cases: ${CASES.map((c) => c.name).join(', ')}`,
    `  --only    run these cases (${REFERENCE} always runs: the ratio column needs it)`,
    '  --inline  run the cases in this process (peak RSS is then cumulative)',
  ].join('\n');
  (problem ? console.error : console.log)(out);
  process.exit(problem ? 2 : 0);
}

/**
 * The V8 heap flags of a case process. Old generation: the 10k-node case's live heap peaks near 1.2 GiB; with
 * more room V8 lets garbage pile up before collecting (more RSS, about the same time), with much less it
 * collects too often (1792 MiB: 10% slower). Young generation: 64 MiB semi-spaces instead of 16 let most
 * messages, wants and batches die before they are promoted (about 7% faster at 5k nodes). docs/bench.md has
 * the measurements. Flags given to bench.js itself come after these and win.
 */
const HEAP_FLAGS = ['--max-old-space-size=2560', '--max-semi-space-size=64'];

/** One case in a child process with the same node flags; its result comes back as a marked JSON line. */
function runChild(name: string): CaseResult {
  const script = fileURLToPath(import.meta.url);
  const r = spawnSync(process.execPath, [...HEAP_FLAGS, ...process.execArgv, script, '--case', name], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 16 << 20,
  });
  const line = (r.stdout ?? '').split('\n').find((l) => l.startsWith(MARK));
  if (r.status !== 0 || !line) throw new Error(`bench case ${name} failed (exit ${r.status}, signal ${r.signal})`);
  return JSON.parse(line.slice(MARK.length)) as CaseResult;
}

function runOne(name: string, inline: boolean): CaseResult {
  if (!inline) return runChild(name);
  return CASES.find((c) => c.name === name)!.run();
}

const perSec = (n: number, ms: number): number => (ms > 0 ? (n * 1000) / ms : 0);
const int = (x: number): string => Math.round(x).toLocaleString('en-US');
const sec = (ms: number): string => (ms / 1000).toFixed(ms < 10_000 ? 2 : 1);
const rate = (x: number): string => (x >= 1e6 ? `${(x / 1e6).toFixed(2)} M` : x >= 1e3 ? `${(x / 1e3).toFixed(0)} k` : x.toFixed(0));

interface Row extends CaseResult {
  eventsPerSec: number;
  messagesPerSec: number;
  deliveriesPerSec: number;
  /** messages/s over the reference engine's events/s */
  ratio: number | undefined;
}

function rows(results: CaseResult[]): Row[] {
  const ref = results.find((r) => r.name === REFERENCE);
  const refRate = ref ? perSec(ref.events, ref.wallMs) : 0;
  return results.map((r) => {
    const isEngine = r.messages === 0 && r.deliveries === 0;
    // the engine's own rate is events through the loop; a run's rates are over its simulation time
    const ms = isEngine ? r.wallMs : r.simMs;
    const messagesPerSec = perSec(r.messages, ms);
    return {
      ...r,
      eventsPerSec: perSec(r.events, ms),
      messagesPerSec,
      deliveriesPerSec: perSec(r.deliveries, ms),
      ratio: isEngine || refRate === 0 || r.skipped ? undefined : messagesPerSec / refRate,
    };
  });
}

function table(rs: Row[]): string {
  const head = ['case', 'wall s', 'sim s', 'check s', 'events', 'messages', 'deliveries', 'events/s', 'msgs/s', 'deliveries/s', 'peak RSS MiB', 'msgs/s ÷ engine', 'verdict'];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map((_, i) => (i === 0 || i === head.length - 1 ? ' --- ' : ' ---: ')).join('|')}|`];
  for (const r of rs) {
    if (r.skipped) {
      lines.push(`| ${r.name} | skipped: ${r.skipped} |`);
      continue;
    }
    const verdict = r.pass === undefined ? '' : `${r.pass ? 'pass' : 'FAIL'} ${int(r.aorHeld ?? 0)}/${int(r.aorPairs ?? 0)} AoR`;
    const cells = [r.name, sec(r.wallMs), sec(r.simMs), sec(r.checkMs), int(r.events), int(r.messages), int(r.deliveries), rate(r.eventsPerSec), rate(r.messagesPerSec), rate(r.deliveriesPerSec), int(r.peakRssMiB), r.ratio === undefined ? '' : r.ratio.toFixed(3), verdict];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

function machine(): Record<string, string | number> {
  const c = cpus();
  return { node: process.version, cpus: c.length, cpu: c[0]?.model ?? 'unknown', memoryGiB: Math.round(totalmem() / 2 ** 30), platform: `${process.platform}-${process.arch}` };
}

function main(): void {
  const a = parseArgs(process.argv.slice(2));
  if (a.child) {
    const r = CASES.find((c) => c.name === a.child)!.run();
    process.stdout.write(`${MARK}${JSON.stringify(r)}\n`);
    return;
  }
  const wanted = a.only ?? CASES.map((c) => c.name);
  const names = CASES.map((c) => c.name).filter((n) => n === REFERENCE || wanted.includes(n));
  const results: CaseResult[] = [];
  for (const name of names) {
    process.stderr.write(`bench: ${name} ...\n`);
    const r = runOne(name, a.inline);
    if (r.skipped) process.stderr.write(`bench: ${name} skipped: ${r.skipped}\n`);
    results.push(r);
  }
  const rs = rows(results);
  const m = machine();
  const flags = a.inline ? process.execArgv : [...HEAP_FLAGS, ...process.execArgv];
  const text = `node ${m.node} ${flags.join(' ')}, ${m.cpus} × ${m.cpu}, ${m.memoryGiB} GiB; ratio = messages/s over ${REFERENCE} events/s (same run)\n\n${table(rs)}\n`;
  // with --json the JSON alone goes to stdout (for a pipe or a file) and the table to stderr (for a person)
  if (a.json) {
    process.stderr.write(text);
    console.log(JSON.stringify({ machine: m, nodeFlags: flags, reference: REFERENCE, cases: rs }, null, 2));
  } else process.stdout.write(text);
}

main();
