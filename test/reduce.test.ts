/** Smaller scenarios for a shrinker: a topology without a node, a scenario without an event or a node. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Loaded } from '../src/scenario/loader.js';
import { withoutEvent, withoutNode } from '../src/scenario/reduce.js';
import { parseScenario } from '../src/scenario/schema.js';
import { withoutNode as topologyWithoutNode } from '../src/topology/remove.js';
import { loadSnapshot } from '../src/topology/snapshot.js';

function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return dir;
}
/** 16 nodes: 0 = 078ada7d.., 3 = 99bd83e2.., 12 = 8005632f.. */
const net16 = loadSnapshot(join(repoRoot(), 'snapshots/generated-16.json'));

test('a topology without node 3 keeps every other node, its address, up flag and links, renumbered from 3 down', () => {
  const t = topologyWithoutNode({ ...net16, up: net16.up.map((_, i) => i !== 9) }, 3);
  assert.is(t.ids.length, 15);
  assert.equal(t.ids, net16.ids.filter((_, i) => i !== 3));
  for (let i = 0; i < 15; i++) assert.is(t.addrs.hex(i), t.ids[i], `address of ${i}`);
  assert.equal(t.up, t.ids.map((id) => id !== net16.ids[9]), 'node 9 (now 8) stays down');
  const pairs = (ts: typeof net16) => ts.conns.map(([a, b]) => [ts.ids[a], ts.ids[b]].join('-'));
  assert.equal(pairs(t), pairs(net16).filter((p) => !p.includes(net16.ids[3]!)), 'the same links, by address, in the same order');
  assert.ok(pairs(t).length < net16.conns.length);
  assert.match(t.source, /without node 99bd83e2/);
});

const loaded = (events: unknown[]): Loaded => ({
  topology: net16,
  scenario: parseScenario({ pullsim: 1, topology: { snapshot: 'generated-16.json' }, events }, 'reduce.json', 'reduce'),
});

test('a scenario without node 3 renumbers index references, keeps prefixes and "random", and drops what names node 3', () => {
  const l = loaded([
    { at: '0s', upload: { node: 'random', chunks: 5 } },
    { at: '1s', stop: { node: 3 } },
    { at: '1s', stop: { node: 7 } },
    { at: '2s', links: { a: 2, b: 12, latency: '5ms' } },
    { at: '2s', links: { node: '99bd', bandwidth: '1MB/s' } },
    { at: '3s', partition: { groups: [[0, 3, '8005'], [4, 5]] } },
    { at: '4s', disconnect: { a: 1, b: 3 } },
  ]);
  const r = withoutNode(l, 3);
  assert.is(r.topology.ids.length, 15);
  assert.equal(
    r.scenario.events.map((e) => e.action),
    [
      { upload: { node: 'random', chunks: 5 } },
      { stop: { node: 6 } },
      { links: { a: 2, b: 11, latency: { constant: 5000 } } },
      { partition: { groups: [[0, '8005'], [3, 4]] } },
    ],
  );
  // every remaining reference names the node it named before
  const named = (t: typeof net16, ref: number | string) => (typeof ref === 'number' ? t.ids[ref] : t.ids.find((id) => id.startsWith(ref)));
  assert.is(named(r.topology, 6), named(net16, 7));
  assert.is(named(r.topology, 11), named(net16, 12));
  assert.is(named(r.topology, '8005'), named(net16, 12));
});

test('a scenario without an upload keeps remove ranges on the same chunks (upload order: by time, ties in file order)', () => {
  const l = loaded([
    { at: '1s', upload: { node: 1, chunks: 10 } },
    { at: '0s', upload: { node: 2, chunks: 5 } },
    { at: '2s', upload: { node: 3, chunks: 4 } },
    { at: '3s', remove: { node: 4, chunks: [[0, 5], [5, 15], [12, 19], [15, 19]] } },
  ]);
  // chunks in upload order: 0-4 from event 1 (at 0s), 5-14 from event 0 (at 1s), 15-18 from event 2
  const r = withoutEvent(l.scenario, 0);
  const remove = r.events[2]!.action;
  assert.ok('remove' in remove);
  assert.equal(remove.remove.chunks, [[0, 5], [5, 5], [5, 9], [5, 9]]);
  assert.is(r.events.length, 3);
  const first = withoutEvent(l.scenario, 1).events[2]!.action;
  assert.ok('remove' in first);
  assert.equal(first.remove.chunks, [[0, 0], [0, 10], [7, 14], [10, 14]]);
});

test("a Bee scenario without an upload keeps loseData ranges on the same chunks, as remove ranges", () => {
  const s = parseScenario(
    {
      pullsim: 1,
      topology: { snapshot: 'generated-16.json' },
      protocol: { kind: 'bee' },
      events: [
        { at: '0s', upload: { node: 1, chunks: 10 } },
        { at: '0s', upload: { node: 2, chunks: 5 } },
        { at: '1m', loseData: { node: 4, chunks: [[0, 3], [10, 15]] } },
      ],
    },
    'reduce.json',
    'reduce',
  );
  const r = withoutEvent(s, 0).events[1]!.action;
  assert.ok('loseData' in r);
  assert.equal(r.loseData.chunks, [[0, 0], [0, 5]], "the first upload's chunks are gone; the second's are now 0-4");
});

test('withoutNode drops an upload at the node and moves later remove ranges with it', () => {
  const l = loaded([
    { at: '0s', upload: { node: 3, chunks: 5 } },
    { at: '1s', upload: { node: 4, chunks: 5 } },
    { at: '2s', remove: { node: 5, chunks: [[5, 10]] } },
  ]);
  const r = withoutNode(l, 3);
  assert.equal(r.scenario.events.map((e) => e.action), [{ upload: { node: 3, chunks: 5 } }, { remove: { node: 4, chunks: [[0, 5]], restore: false } }]);
});

test.run();
