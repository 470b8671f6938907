// The goroutine runtime's findings (README "Findings so far", docs/runtime.md), reproducible:
//
//   node dist/bench/runtime-findings.js sweep FILE [--seeds 1-50] [--cores 2] [--busy 0] [--scale 1] [--fixed]
//       one scenario under a runtime variant, seed by seed: verdict, violation kinds, drops by reason, duplicates
//       and their causes (race / overlap / held / message); --fixed runs HEAD with its latent defects L1, L2, L6
//       fixed, to tell what they caused
//   node dist/bench/runtime-findings.js onset FILE [--seeds 1-50] [--cores 2] [--scale 1] [--from 0] [--step 1]
//       the busy loops at which client batch timeouts begin (any seed) and at which every seed has one
//   node dist/bench/runtime-findings.js explain FILE --seed S [--cores 2] [--busy N] [--scale 1]
//       the first batch that timed out, step by step: its offer, the want, each frame sent and stored, the drop
//
// FILE is a scenario with a runtime section (scenarios/runtime/*.json); --scale multiplies every cost of it.
import { resolve } from 'node:path';
import { loadScenario } from '../src/scenario/loader.js';
import { runScenario, type RunOutcome } from '../src/scenario/runner.js';
import type { Scenario, StreamProtocolConfig } from '../src/scenario/schema.js';
import type { Diagnosis } from '../src/check/stream/diagnosis.js';
import type { Topology } from '../src/topology/topology.js';
import { MsgType, type Message } from '../src/protocol/stream/messages.js';

const args = process.argv.slice(2);
const flag = (name: string, def: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1]! : def;
};
const [mode, file] = args;
if ((mode !== 'sweep' && mode !== 'onset' && mode !== 'explain') || !file) {
  console.error('usage: runtime-findings.js sweep|onset|explain FILE [--seeds 1-50] [--seed S] [--cores N] [--busy N] [--scale X] [--fixed] [--from N] [--step N]');
  process.exit(2);
}
const [lo, hi] = flag('seeds', '1-50').split('-').map(Number) as [number, number];
const seeds = Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);
const loaded = loadScenario(resolve(file));

function variant(busy: number): Scenario {
  const s = structuredClone(loaded.scenario);
  const k = Number(flag('scale', '1'));
  const c = s.runtime.costs;
  s.runtime = { ...s.runtime, handlers: 'goroutines', cores: Number(flag('cores', String(s.runtime.cores))), busyLoops: busy };
  s.runtime.costs = { handler: c.handler * k, send: c.send * k, storeLookup: c.storeLookup * k, get: c.get * k, put: c.put * k };
  if (args.includes('--fixed')) (s.protocol as StreamProtocolConfig).latentDefects = [];
  return s;
}

interface Row {
  seed: number;
  pass: boolean;
  kinds: string;
  drops: Record<string, number>;
  duplicates: number;
  causes: string;
  converged: number;
  firstTimeout: number | undefined;
}

function run(s: Scenario, topology: Topology, seed: number): Row {
  let firstTimeout: number | undefined;
  const o: RunOutcome = runScenario(s, topology, {
    seed,
    observers: [{ disconnected: (_a, _b, reason, t) => void (reason === 'batch has timed out' && firstTimeout === undefined && (firstTimeout = t)) }],
  });
  const kinds = [...new Set(o.verdict.violations.map((v) => v.kind))].join('+') || '-';
  const dups = (o.diagnosis as Diagnosis | undefined)?.duplicates;
  const causes = dups ? Object.entries(dups.toJSON((c) => String(c)).causes).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n}`).join(', ') : '';
  return { seed, pass: o.verdict.pass, kinds, drops: o.traffic.drops, duplicates: o.verdict.duplicates, causes, converged: o.verdict.convergenceMicros / 1e6, firstTimeout };
}

const show = (r: Row) =>
  `seed ${String(r.seed).padStart(3)}  ${r.pass ? 'pass' : 'FAIL'}  violations ${r.kinds}  drops ${JSON.stringify(r.drops)}  duplicates ${r.duplicates}${r.causes ? ` (${r.causes})` : ''}  converged ${r.converged.toFixed(3)} s${r.firstTimeout !== undefined ? `  first timeout ${(r.firstTimeout / 1e6).toFixed(3)} s` : ''}`;

if (mode === 'explain') explain(variant(Number(flag('busy', '0'))), Number(flag('seed', '1')));
else if (mode === 'sweep') {
  const s = variant(Number(flag('busy', '0')));
  const rows = seeds.map((seed) => run(s, loaded.topology, seed));
  for (const r of rows) console.log(show(r));
  const failing = rows.filter((r) => !r.pass).map((r) => r.seed);
  const dupSeeds = rows.filter((r) => r.duplicates > 0).map((r) => r.seed);
  const drops = rows.filter((r) => Object.keys(r.drops).length > 0).map((r) => r.seed);
  console.log(`\n${file} cores ${s.runtime.cores} busy ${s.runtime.busyLoops} scale ${flag('scale', '1')}${args.includes('--fixed') ? ' (L1, L2, L6 fixed)' : ''}: ${rows.length - failing.length}/${rows.length} pass; failing seeds [${failing.join(' ')}]; seeds with drops [${drops.join(' ')}]; seeds with duplicates ${dupSeeds.length} (max ${Math.max(0, ...rows.map((r) => r.duplicates))})`);
} else if (mode === 'onset') {
  const step = Number(flag('step', '1'));
  let busy = Number(flag('from', '0'));
  let first: number | undefined;
  for (;;) {
    const s = variant(busy);
    const rows = seeds.map((seed) => run(s, loaded.topology, seed));
    const timedOut = rows.filter((r) => r.firstTimeout !== undefined);
    const failing = rows.filter((r) => !r.pass);
    console.log(`busy ${busy}: ${timedOut.length}/${rows.length} seeds with a batch timeout, ${failing.length} failing${timedOut.length ? `; first timeout at ${(Math.min(...timedOut.map((r) => r.firstTimeout!)) / 1e6).toFixed(3)} s (seed ${timedOut.sort((a, b) => a.firstTimeout! - b.firstTimeout!)[0]!.seed})` : ''}; convergence max ${Math.max(...rows.map((r) => r.converged)).toFixed(2)} s`);
    if (timedOut.length > 0 && first === undefined) first = busy;
    if (timedOut.length === rows.length) break;
    busy += step;
  }
  console.log(`\n${file} cores ${flag('cores', String(loaded.scenario.runtime.cores))} scale ${flag('scale', '1')}: batch timeouts begin at ${first} busy loops; every seed has one at ${busy}`);
}

/** Every message of one exchange (ruid) between a client and a server, and the client's stores of its chunks. */
function explain(s: Scenario, seed: number): void {
  const log: [number, string][] = [];
  const byRuid = new Map<number, [number, string][]>();
  const note = (ruid: number, t: number, text: string) => {
    let l = byRuid.get(ruid);
    if (!l) byRuid.set(ruid, (l = []));
    l.push([t, text]);
  };
  let drop: { a: number; b: number; t: number } | undefined;
  const wantedAt = new Map<number, number>();
  runScenario(s, loaded.topology, {
    seed,
    details: false,
    observers: [
      {
        sent: (from, to, msg, _bytes, t) => {
          const m = msg as Message;
          if (m.type === MsgType.OfferedHashes) note(m.ruid, t, `${from} -> ${to} OfferedHashes, ${m.hashes.length} hashes`);
          if (m.type === MsgType.WantedHashes) {
            if (m.bits.length > 0) wantedAt.set(m.ruid, t);
            note(m.ruid, t, `${from} -> ${to} WantedHashes (${m.bits.length > 0 ? 'the batch timer starts' : 'none'})`);
          }
          if (m.type === MsgType.ChunkDelivery) note(m.ruid, t, `${from} -> ${to} ChunkDelivery sent, ${m.chunks.length} chunks`);
        },
        arrived: (node, _chunk, from, ruid, t, index) => void (index === 0 && note(ruid, t, `${from} -> ${node} ChunkDelivery handled: its chunks stored`)),
        disconnected: (a, b, reason, t) => {
          log.push([t, `${a} - ${b} dropped: ${reason}`]);
          if (reason === 'batch has timed out' && !drop) drop = { a, b, t };
        },
      },
    ],
  });
  if (!drop) return console.log(`seed ${seed}: no batch timed out`);
  const d = drop;
  // the timed-out want: the exchange between the pair whose WantedHashes was sent 10 s (plus its wake-up) before the drop
  const candidates = [...wantedAt].filter(([, t]) => t <= d.t - (s.protocol as StreamProtocolConfig).clientBatchTimeout).sort((x, y) => y[1] - x[1]);
  const ruid = candidates.find(([r]) => byRuid.get(r)!.some(([, text]) => text.startsWith(`${d.a} -> ${d.b}`) || text.startsWith(`${d.b} -> ${d.a}`)))?.[0];
  console.log(`seed ${seed}: the first batch timeout drops ${d.a} - ${d.b} at ${(d.t / 1e6).toFixed(6)} s; its exchange (ruid ${ruid}):`);
  for (const [t, text] of byRuid.get(ruid ?? -1) ?? []) console.log(`  ${(t / 1e6).toFixed(6)} s  ${text}`);
  console.log('drops:');
  for (const [t, text] of log.slice(0, 12)) console.log(`  ${(t / 1e6).toFixed(6)} s  ${text}`);
}
