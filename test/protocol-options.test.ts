import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { parseScenario } from '../src/scenario/schema.js';
import { runScenario } from '../src/scenario/runner.js';
import { streamSettings } from '../src/scenario/schema-protocols.js';
import { withMutant } from '../src/scenario/mutants.js';
import { loadScenario } from '../src/scenario/loader.js';
import { loadSnapshot } from '../src/topology/snapshot.js';
import { MsgType, type Message } from '../src/protocol/stream/messages.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const net16 = loadSnapshot(join(ROOT, 'snapshots/generated-16.json'));

/** Runs the generated 16-node network with protocol overrides and keeps every message sent. */
function wire(protocol: Record<string, unknown>, events: unknown[]) {
  const s = parseScenario({ pullsim: 1, topology: { snapshot: 'in-memory' }, protocol, events, expect: { maxDuplicates: 1_000_000 } }, 'mem.json', 'options');
  const sent: Message[] = [];
  const o = runScenario(s, net16, { seed: 1, observers: [{ sent: (_f, _t, m) => void sent.push(m as Message) }] });
  const of = <T extends Message['type']>(t: T) => sent.filter((m): m is Extract<Message, { type: T }> => m.type === t);
  return { o, of };
}

const uploads = [{ at: '0s', upload: { node: 'random', chunks: 400 } }, { at: '3s', upload: { node: 'random', chunks: 100 } }];

test('roundtrip off: the server pushes chunks and ends each batch with BatchDone; no offers, no wants; replication holds at the cost of duplicates', () => {
  const on = wire({}, uploads);
  const off = wire({ roundtrip: false }, uploads);
  assert.ok(off.o.verdict.pass, JSON.stringify(off.o.verdict.violations.slice(0, 2)));
  assert.ok(off.of(MsgType.BatchDone).length > 0);
  assert.is(off.of(MsgType.OfferedHashes).length, 0);
  assert.is(off.of(MsgType.WantedHashes).length, 0);
  assert.is(on.of(MsgType.BatchDone).length, 0);
  assert.ok(off.o.verdict.duplicates > on.o.verdict.duplicates, `${off.o.verdict.duplicates} duplicates without the roundtrip, ${on.o.verdict.duplicates} with it`);
});

test('head offers at most 64 hashes in frames of at most 16 chunks; pr1538 up to 128 in frames of up to 32', () => {
  const big = [{ at: '0s', upload: { node: 0, chunks: 2000 } }];
  for (const [version, batch, frame] of [['head', 64, 16], ['pr1538', 128, 32]] as const) {
    const { o, of } = wire({ version }, big);
    assert.ok(o.verdict.pass, version);
    const offers = of(MsgType.OfferedHashes).map((m) => m.hashes.length);
    const frames = of(MsgType.ChunkDelivery).map((m) => m.chunks.length);
    assert.is(Math.max(...offers), batch, `${version} largest offer`);
    assert.is(Math.max(...frames), frame, `${version} largest frame`);
  }
});

test('the spec StreamState answers a GetRange the server refuses; without it the refusal is silent', () => {
  const { scenario, topology } = loadScenario(join(ROOT, 'scenarios/mutants/leaf-oscillation.json'));
  const count = (streamState: boolean) => {
    const s = withMutant({ ...scenario, protocol: { ...streamSettings(scenario.protocol), streamState } }, '2107');
    let states = 0;
    runScenario(s, topology, { seed: 1, observers: [{ sent: (_f, _t, m) => void (m.type === MsgType.StreamState && states++) }] });
    return states;
  };
  assert.ok(count(true) > 0, 'a second GetRange chain (#2107) meets the server guard and gets a StreamState');
  assert.is(count(false), 0);
});

test('runs are reproducible under every protocol option: the same seed gives the same fingerprint', () => {
  for (const p of [{ roundtrip: false }, { version: 'pr1538' }, { streamState: true }, { dedupInFlight: true }]) {
    assert.is(wire(p, uploads).o.fingerprint, wire(p, uploads).o.fingerprint, JSON.stringify(p));
  }
});

test.run();
