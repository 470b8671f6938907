/**
 * The checkers in a thread of their own: the rows carry every observer call unchanged (including the longest
 * offer and disconnect reasons), and a run judged there gets the same verdict and summary as one judged
 * in the simulation's thread, on fault scenarios, removals with restore, and mutants that breach the discipline.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MsgType, type Message } from '../src/protocol/stream/messages.js';
import { withMutant } from '../src/scenario/mutants.js';
import { loadScenario } from '../src/scenario/loader.js';
import { runScenario } from '../src/scenario/runner.js';
import type { WorldObserver } from '../src/sim/observer.js';
import { AddressTable } from '../src/topology/address.js';
import { BLOCK, RowWriter, replay } from '../src/check/wire.js';
import { judged } from './helpers/judged.js';
import type { ChecksModule } from '../src/check/properties.js';
import { checks as streamChecks } from '../src/check/stream/checks.js';

/** An observer that writes down every call it gets. */
function tape(): { calls: string[]; observer: WorldObserver } {
  const calls: string[] = [];
  const observer: WorldObserver = {
    uploaded: (n, c, t) => void calls.push(`uploaded ${n} ${c} ${t}`),
    stored: (n, c, t) => void calls.push(`stored ${n} ${c} ${t}`),
    removed: (n, c, t, cause) => void calls.push(`removed ${n} ${c} ${t} ${cause}`),
    arrived: (n, c, f, r, t, i) => void calls.push(`arrived ${n} ${c} ${f} ${r} ${t} ${i}`),
    sent: (f, to, m, _b, t) => void calls.push(`sent ${f} ${to} ${t} ${JSON.stringify(m)}`),
    connected: (a, b, t) => void calls.push(`connected ${a} ${b} ${t}`),
    disconnected: (a, b, r, t) => void calls.push(`disconnected ${a} ${b} ${r} ${t}`),
    stateChanged: (n, name, v, cause, t) => void calls.push(`state ${n} ${name} ${v} ${cause} ${t}`),
  };
  return { calls, observer };
}

test('rows replay every call the checkers observe, in order, across blocks', () => {
  const chunks = new AddressTable(4);
  for (let c = 0; c < 3; c++) chunks.add(new Uint8Array(32).fill(c * 40 + 1));
  const blocks: [Float64Array, number][] = [];
  const w = new RowWriter(chunks, (c) => 10 + c, {
    first: () => new Float64Array(BLOCK),
    block: (rows, n) => {
      blocks.push([rows, n]);
      return new Float64Array(BLOCK);
    },
  }, streamChecks as ChecksModule);
  const want = tape();
  const both = (f: (o: WorldObserver) => void) => (f(w), f(want.observer));
  const long = Array.from({ length: 4097 }, (_, i) => i % 3);
  const msgs: Message[] = [
    { type: MsgType.GetRange, ruid: 4_000_000_000, bin: 3, from: 1, to: -1, batchSize: 128 },
    { type: MsgType.OfferedHashes, ruid: 7, lastIndex: 12, hashes: [2, 0, 1] },
    { type: MsgType.OfferedHashes, ruid: 8, lastIndex: 99, hashes: long },
    { type: MsgType.BatchDone, ruid: 9, lastIndex: 5 },
    { type: MsgType.StreamState, ruid: 10, bin: 16, live: true, code: 1 },
  ];
  both((o) => o.connected!(0, 1, 0));
  both((o) => o.uploaded!(0, 2, 1.5));
  both((o) => o.stored!(0, 2, 1.5));
  for (let i = 0; i < 20_000; i++) both((o) => o.arrived!(1, i % 3, 0, 7, 2 + i, i % 5));
  for (const m of msgs) both((o) => o.sent!(0, 1, m, 100, 3));
  both((o) => o.stored!(1, 0, 4));
  both((o) => o.removed!(1, 0, 5));
  both((o) => o.removed!(1, 2, 5, 'evicted'));
  both((o) => o.disconnected!(0, 1, 'batch has timed out', 6));
  both((o) => o.disconnected!(1, 2, 'batch has timed out', 7));
  both((o) => o.disconnected!(1, 3, 'node stopped', 8));
  both((o) => o.stateChanged!(2, 'radius', 3, 'overflow', 9));
  w.flush();
  assert.ok(blocks.length >= 3, `${blocks.length} blocks`);
  assert.ok(blocks.every(([rows, n]) => rows.length === BLOCK && n <= BLOCK));

  const got = tape();
  const mirror = new AddressTable(4);
  const seen: string[] = [];
  const reasons: string[] = [];
  for (const [rows, n] of blocks) {
    replay(rows, n, reasons, {
      observers: [got.observer],
      module: streamChecks as ChecksModule,
      chunk: (id, batch, r, at) => void seen.push(`${id}=${mirror.addWords(r, at)} batch ${batch}`),
      expectBack: () => assert.unreachable('no expectBack was written'),
    });
  }
  assert.equal(got.calls, want.calls);
  assert.equal(reasons, ['evicted', 'batch has timed out', 'node stopped', 'radius', 'overflow'], 'each text is written once, before its first use');
  // chunk 2 was the first stored: the addresses of 0..2 went first, in order, with their words and batches
  assert.equal(seen, ['0=0 batch 10', '1=1 batch 11', '2=2 batch 12']);
  for (let c = 0; c < 3; c++) assert.is(mirror.hex(c), chunks.hex(c));
});

function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return dir;
}

const runs: [string, number, string | undefined][] = [
  ['faults-64.json', 2, undefined],
  ['mutants/restore-after-removal.json', 1, undefined],
  ['go-two-nodes-gaps.json', 1, undefined],
  ['mutants/leaf-oscillation.json', 1, '2107'],
  ['mutants/window-removal.json', 1, 'B1'],
];
for (const [file, seed, mutant] of runs) {
  test(`${file}${mutant ? ` with mutant ${mutant}` : ''}: judged in a check thread, the same verdict and summary as in this one`, () => {
    const loaded = loadScenario(join(repoRoot(), 'scenarios', file));
    const s = mutant ? withMutant(loaded.scenario, mutant) : loaded.scenario;
    const here = runScenario(s, loaded.topology, { seed, checkThread: false });
    const there = runScenario(s, loaded.topology, { seed, checkThread: true });
    assert.is(there.fingerprint, here.fingerprint);
    assert.ok(here.verdict.chunks.length > 0);
    if (mutant) assert.ok(here.verdict.violations.length > 0, 'the mutant is caught');
    assert.is(judged(there), judged(here));
  });
}

test('a run abandoned by an error ends its check thread and reports the error, and the next run is judged as usual', () => {
  const loaded = loadScenario(join(repoRoot(), 'scenarios', 'faults-64.json'));
  let stores = 0;
  const failing: WorldObserver = {
    stored: () => {
      if (++stores === 500) throw new Error('observer gave up');
    },
  };
  assert.throws(() => runScenario(loaded.scenario, loaded.topology, { seed: 1, checkThread: true, observers: [failing] }), /observer gave up/);
  const after = runScenario(loaded.scenario, loaded.topology, { seed: 1, checkThread: true });
  assert.is(after.fingerprint, runScenario(loaded.scenario, loaded.topology, { seed: 1, checkThread: false }).fingerprint);
  assert.ok(after.verdict.chunks.length > 0);
});

test.run();
