/** The parts of a shrink: scenarios written back exactly, uploads written out chunk by chunk, smaller faults, the file. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { durationText, eventsJson } from '../src/scenario/emit.js';
import { scenarioOn } from '../src/scenario/loader.js';
import { runScenario } from '../src/scenario/runner.js';
import { parseScenario, type Scenario, type StreamProtocolConfig } from '../src/scenario/schema.js';
import { explicitUploads, type UploadRecord } from '../src/scenario/shrink/explicit.js';
import { shrunkJson } from '../src/scenario/shrink/file.js';
import { chooseProperty, stillFails, type Probe } from '../src/scenario/shrink/probe.js';
import { sizeOf, withoutJitter, type State } from '../src/scenario/shrink/state.js';
import { tweaks } from '../src/scenario/shrink/tweaks.js';
import { isConnected } from '../src/topology/plain.js';
import { loadSnapshot } from '../src/topology/snapshot.js';
import { ROOT, usageError } from './helpers/process.js';

const net16 = loadSnapshot(join(ROOT, 'snapshots/generated-16.json'));
const parse = (doc: Record<string, unknown>): Scenario => parseScenario({ pullsim: 1, topology: { snapshot: 'x.json' }, ...doc }, 'parts.json', 'parts');
const state = (events: unknown[], extra: Record<string, unknown> = {}): State => ({ scenario: parse({ events, ...extra }), topology: net16, seed: 1 });
const [l0, l1] = net16.conns[0]!;

test('durations are written exactly, in the largest unit that needs at most three decimals', () => {
  assert.equal([0, 7, 1000, 1500, 2_000_000, 1_234_567, 90_000_000, 5_400_000_000].map(durationText), ['0s', '7us', '1ms', '1.5ms', '2s', '1234.567ms', '1.5m', '1.5h']);
});

test('every verb is written back as the schema reads it: parsing the written events gives the same events', () => {
  const s = parse({
    events: [
      { at: '0s', upload: { node: 'random', chunks: 3 } },
      { at: '250ms', upload: { node: 2, addresses: ['ab'.repeat(32), 'cd'.repeat(32)] } },
      { at: '1s', disconnect: { a: l0, b: l1 } },
      { at: '1.5s', connect: { a: l0, b: l1 } },
      { at: '2s', stop: { node: 3 } },
      { at: '2.25s', start: { node: 3 } },
      { at: '2.5s', pause: { node: 4 } },
      { at: '2.75s', resume: { node: 4 } },
      { at: '3s', remove: { node: 5, chunks: [[0, 2]], restore: true } },
      { at: '3s', links: { node: 6, latency: { uniform: ['5ms', '7.5ms'] }, bandwidth: '200KB/s', for: '1234567us' } },
      { at: '3.1s', links: { a: l0, b: l1, processing: '3ms' } },
      { at: '4s', partition: { groups: [[0, 1], [2, 7]] } },
      { at: '4.5s', partition: { halves: true } },
      { at: '5s', heal: {} },
      { at: '6s', churn: { rate: '6/m', downtime: ['1s', '2s'], until: '9s' } },
    ],
  });
  const again = parse({ events: eventsJson(s.events, net16) });
  assert.equal(again.events, s.events);
  const prefix = parse({ events: [{ at: '1s', stop: { node: net16.ids[9]!.slice(0, 6) } }] });
  assert.equal(eventsJson(prefix.events, net16), [{ at: '1s', stop: { node: 9 } }], 'an id prefix is written as the index it names');
});

test('consecutive uploads of named chunks at one node and time are written as one event', () => {
  const s = state([
    { at: '0s', upload: { node: 1, addresses: ['01'.repeat(32)] } },
    { at: '0s', upload: { node: 1, addresses: ['02'.repeat(32)] } },
    { at: '0s', upload: { node: 2, addresses: ['03'.repeat(32)] } },
  ]);
  const written = eventsJson(s.scenario.events, net16);
  assert.equal(written, [
    { at: '0s', upload: { node: 1, addresses: ['01'.repeat(32), '02'.repeat(32)] } },
    { at: '0s', upload: { node: 2, addresses: ['03'.repeat(32)] } },
  ]);
  assert.equal(sizeOf(s), { nodes: 16, chunks: 3, events: 2, links: net16.conns.length });
});

test('an index and an id prefix of one node are one node: their uploads are written, and counted, as one event', () => {
  const s = state([
    { at: '0s', upload: { node: 3, addresses: ['01'.repeat(32)] } },
    { at: '0s', upload: { node: net16.ids[3]!.slice(0, 8), addresses: ['02'.repeat(32)] } },
  ]);
  assert.equal(eventsJson(s.scenario.events, net16), [{ at: '0s', upload: { node: 3, addresses: ['01'.repeat(32), '02'.repeat(32)] } }]);
  assert.is(sizeOf(s).events, 1);
});

test('an upload names chunks or addresses, not both; an address is named once in a scenario', () => {
  const both = usageError(() => parse({ events: [{ at: '0s', upload: { node: 0, chunks: 1, addresses: ['00'.repeat(32)] } }] }));
  assert.is(both.path, '$.events[0].upload');
  const twice = usageError(() => parse({ events: [{ at: '0s', upload: { node: 0, addresses: ['0a'.repeat(32)] } }, { at: '1s', upload: { node: 1, addresses: ['0A'.repeat(32)] } }] }));
  assert.is(twice.path, '$.events[1].upload.addresses[0]');
});

test('uploads written out chunk by chunk run as the random ones did: the same chunks, nodes, messages and duplicates', () => {
  const st = state([
    { at: '0s', upload: { node: 'random', chunks: 30 } },
    { at: '1s', remove: { node: 2, chunks: [[3, 9]] } },
    { at: '2s', upload: { node: 4, chunks: 10 } },
  ]);
  const stored: number[] = [];
  const a = runScenario(st.scenario, net16, { seed: 7, observers: [{ uploaded: (node, chunk) => void (stored[chunk] = node) }] });
  const record: UploadRecord[] = a.uploaded.map((c) => ({ address: a.world.chunks.hex(c), node: net16.ids[stored[c]!]! }));
  const explicit = explicitUploads(st, record)!;
  assert.is(explicit.scenario.events.length, 41);
  const b = runScenario(explicit.scenario, net16, { seed: 7 });
  assert.equal(b.uploaded.map((c) => b.world.chunks.hex(c)), record.map((r) => r.address));
  assert.equal(b.traffic.messages, a.traffic.messages);
  assert.is(b.verdict.duplicates, a.verdict.duplicates);
  assert.is(b.verdict.convergenceMicros, a.verdict.convergenceMicros);
  assert.is(b.verdict.aorHeld, a.verdict.aorHeld);
});

test('a chunk no node took is left out, and remove ranges after it move down by one', () => {
  const st = state([
    { at: '0s', upload: { node: 1, chunks: 3 } },
    { at: '1s', remove: { node: 2, chunks: [[0, 3], [2, 3]] } },
  ]);
  const id = net16.ids[1]!;
  const record: UploadRecord[] = [{ address: '01'.repeat(32), node: id }, { address: '02'.repeat(32), node: null }, { address: '03'.repeat(32), node: id }];
  const events = explicitUploads(st, record)!.scenario.events;
  assert.equal(events.map((e) => e.action), [
    { upload: { node: 1, chunks: 1, addresses: ['01'.repeat(32)] } },
    { upload: { node: 1, chunks: 1, addresses: ['03'.repeat(32)] } },
    { remove: { node: 2, chunks: [[0, 2], [1, 2]], restore: false } },
  ]);
  assert.is(explicitUploads(st, record.slice(1)), undefined, 'a record of another length does not fit');
});

test("a Bee upload's postage batch survives: written out chunk by chunk, and written back (one event per batch)", () => {
  const bee = { protocol: { kind: 'bee' } };
  const st = state([
    { at: '0s', upload: { node: 1, chunks: 1 } },
    { at: '0s', upload: { node: 1, chunks: 2, batch: 3 } },
  ], bee);
  const id = net16.ids[1]!;
  const record: UploadRecord[] = ['01', '02', '03'].map((b) => ({ address: b.repeat(32), node: id }));
  const explicit = explicitUploads(st, record)!;
  assert.equal(explicit.scenario.events.map((e) => e.action), [
    { upload: { node: 1, chunks: 1, addresses: ['01'.repeat(32)] } },
    { upload: { node: 1, chunks: 1, addresses: ['02'.repeat(32)], batch: 3 } },
    { upload: { node: 1, chunks: 1, addresses: ['03'.repeat(32)], batch: 3 } },
  ]);
  const written = eventsJson(explicit.scenario.events, net16);
  assert.equal(written, [
    { at: '0s', upload: { node: 1, addresses: ['01'.repeat(32)] } },
    { at: '0s', upload: { node: 1, addresses: ['02'.repeat(32), '03'.repeat(32)], batch: 3 } },
  ]);
  assert.is(sizeOf(explicit).events, 2);
  const back = parse({ events: written, ...bee }).events.map((e) => ('upload' in e.action ? [e.action.upload.chunks, e.action.upload.batch] : []));
  assert.equal(back, [[1, undefined], [2, 3]], 'the written events parse back to the same chunks and batches');
});

test('a stop gets a shorter version (its start moved halfway), a link spike a shorter and milder one', () => {
  const st = state([
    { at: '1s', stop: { node: 3 } },
    { at: '5s', start: { node: 3 } },
    { at: '2s', links: { node: 4, latency: '420ms', bandwidth: '100KB/s', for: '3s' } },
  ]);
  const stop = tweaks(st, 0).map((c) => c.scenario.events.map((e) => e.at));
  assert.equal(stop, [[1_000_000, 3_000_000, 2_000_000]]);
  const spike = tweaks(st, 2).map((c) => c.scenario.events[2]!.action);
  assert.equal(spike, [
    { links: { node: 4, latency: { constant: 420_000 }, bandwidth: 100_000, for: 1_500_000 } },
    { links: { node: 4, bandwidth: 100_000, for: 3_000_000 } },
    { links: { node: 4, latency: { constant: 420_000 }, for: 3_000_000 } },
    { links: { node: 4, latency: { constant: 220_000 }, bandwidth: 100_000, for: 3_000_000 } },
    { links: { node: 4, latency: { constant: 420_000 }, bandwidth: 1_000_000, for: 3_000_000 } },
  ]);
});

test('a partition group loses one member at a time; a group of one keeps it', () => {
  const st = state([{ at: '1s', partition: { groups: [[0, 1], [2]] } }]);
  assert.equal(tweaks(st, 0).map((c) => c.scenario.events[0]!.action), [{ partition: { groups: [[1], [2]] } }, { partition: { groups: [[0], [2]] } }]);
});

test('no jitter: a uniform latency becomes the constant at its midpoint, in the links and in link changes', () => {
  const st = state([{ at: '1s', links: { node: 1, latency: { uniform: ['10ms', '21ms'] } } }], { links: { latency: { uniform: ['5ms', '50ms'] } } });
  const steady = withoutJitter(st)!.scenario;
  assert.equal(steady.links.latency, { constant: 27_500 });
  assert.equal(steady.events[0]!.action, { links: { node: 1, latency: { constant: 15_500 } } });
  assert.is(withoutJitter({ ...st, scenario: steady }), undefined, 'nothing left to steady');
});

test('the shrunk file copies every key it does not reduce, writes the mutant in and expects the failure', () => {
  const raw = { pullsim: 1, name: 'x', topology: { snapshot: 'a.json' }, protocol: { syncInitBackoff: '0ms', latentDefects: [] }, runtime: { kind: 'goroutines', quantum: '1ms' }, expect: { maxDuplicates: 50 } };
  const st = state([{ at: '0s', upload: { node: 0, chunks: 2 } }], { protocol: { latentDefects: ['L2'] } });
  const json = shrunkJson(st, raw, { snapshot: 'snapshot.json' }, { from: 'x.json', seed: 4, mutant: 'L2', property: 'duplicate' });
  assert.equal(Object.keys(json), ['pullsim', 'shrunk', 'name', 'description', 'seed', 'topology', 'protocol', 'runtime', 'expect', 'links', 'events', 'run']);
  assert.equal(json.runtime, raw.runtime, 'an unknown section survives as it was');
  assert.equal(json.shrunk, { from: 'x.json', seed: 4, mutant: 'L2', property: 'duplicate' });
  assert.equal((json.protocol as Record<string, unknown>).latentDefects, ['L2']);
  assert.equal(json.expect, { maxDuplicates: 0, verdict: 'fail' });
  const { runtime: _, ...known } = json;
  assert.is((scenarioOn(known, 'y.json', net16).scenario.protocol as StreamProtocolConfig).latentDefects[0], 'L2');
  const swarm = state([{ at: '1s', heal: {} }], { run: { maxTime: '95s', convergeWithin: '1m' } });
  assert.equal(shrunkJson(swarm, { pullsim: 1 }, {}, { from: 'x.json', seed: 4, swarm: true, property: 'drop' }).run, { maxTime: '95s', convergeWithin: '1m' }, "a swarm run's liveness bound is written");
});

test('the property is the most serious one shown, preferring one the unmutated run does not show', () => {
  const run = { kinds: { duplicate: 9, drop: 1, radius: 2, missing: 3 }, quiescent: true };
  assert.is(chooseProperty(run), 'missing');
  assert.is(chooseProperty(run, { kinds: { missing: 1 }, quiescent: true }), 'radius');
  assert.is(chooseProperty({ ...run, quiescent: false }), undefined, 'a run cut at maxTime proves only liveness');
  const probe: Probe = { ...run, property: 'missing', endMicros: 0, aor: [], baseline: { kinds: { missing: 2 }, quiescent: true } };
  assert.not.ok(stillFails(probe, 'missing'), 'the unmutated run fails the same way');
  assert.ok(stillFails(probe, 'drop'));
});

test('connectivity: a topology without the links of a node is not connected', () => {
  assert.ok(isConnected(net16));
  assert.not.ok(isConnected({ ...net16, conns: net16.conns.filter(([a, b]) => a !== 5 && b !== 5) }));
});

test.run();
