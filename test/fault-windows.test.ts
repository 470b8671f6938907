/**
 * The timeline's faults as windows (kind, label in the scenario's units, from, to, nodes), as the report draws them
 * as bands and lanes: a spike ends when it reverts, a throttle and a partition at the heal, a stop at its start,
 * a pause at its resume, churn's stops each at their own restart.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Traffic } from '../src/check/series.js';
import { createRng } from '../src/core/rng.js';
import { SECOND } from '../src/core/units.js';
import { FaultLog } from '../src/scenario/faults.js';
import { parseScenario } from '../src/scenario/schema.js';
import { Timeline } from '../src/scenario/timeline.js';
import { World } from '../src/sim/world.js';
import { MSG_NAMES } from '../src/protocol/stream/messages.js';
import { streamProtocol } from '../src/protocol/stream/plugin.js';
import { streamSettings } from '../src/scenario/schema-protocols.js';
import { loadSnapshot } from '../src/topology/snapshot.js';

function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return dir;
}
const net64 = loadSnapshot(join(repoRoot(), 'snapshots/generated-64.json'));

/** The timeline of `events` on the 64-node snapshot, run for `micros`. */
function timeline(events: unknown[], micros: number): Timeline {
  const s = parseScenario({ pullsim: 1, topology: { snapshot: 'in-memory' }, links: { latency: '20ms', bandwidth: '10MB/s' }, events }, 'mem.json', 'windows');
  const rng = createRng(1);
  const world = new World(net64, { links: s.links, redialDelay: s.protocol.redialDelay ?? undefined }, rng.fork('world'), streamProtocol(streamSettings(s.protocol)));
  const t = new Timeline(world, s, rng.fork('scenario'), new Traffic(MSG_NAMES));
  world.start();
  world.runUntil(micros);
  return t;
}

const plain = (t: Timeline) => t.faults.windows.map((w) => ({ ...w, nodes: w.nodes && w.nodes.slice(0, 3) }));

test('a spike, a throttle, a stop, a pause and a partition are windows labelled in the scenario units, ended by revert, start, resume and heal', () => {
  const t = timeline(
    [
      { at: '1s', links: { latency: '300ms', for: '2s' } },
      { at: '1500ms', links: { node: 3, bandwidth: '200KB/s' } },
      { at: '2s', stop: { node: 5 } },
      { at: '2500ms', pause: { node: 7 } },
      { at: '3s', partition: { halves: true } },
      { at: '3500ms', start: { node: 5 } },
      { at: '4s', resume: { node: 7 } },
      { at: '5s', heal: {} },
    ],
    6 * SECOND,
  );
  assert.equal(plain(t), [
    { kind: 'links', label: 'all links: latency 300ms for 2s', from: 1 * SECOND, to: 3 * SECOND, nodes: null },
    { kind: 'links', label: "node 3's links: bandwidth 200KB/s", from: 1.5 * SECOND, to: 5 * SECOND, nodes: [3] },
    { kind: 'down', label: 'node 5 stopped', from: 2 * SECOND, to: 3.5 * SECOND, nodes: [5] },
    { kind: 'pause', label: 'node 7 paused', from: 2.5 * SECOND, to: 4 * SECOND, nodes: [7] },
    { kind: 'partition', label: 'partition: address halves', from: 3 * SECOND, to: 5 * SECOND, nodes: null },
  ]);
});

test('a heal ends a spike early, and a fault nothing ends stays open (to: null) until the end of the run', () => {
  const t = timeline(
    [
      { at: '1s', links: { latency: { uniform: ['5ms', '50ms'] }, for: '10s' } },
      { at: '2s', heal: {} },
      { at: '3s', partition: { groups: [[0, 1, 2], [3, 4]] } },
    ],
    4 * SECOND,
  );
  assert.equal(plain(t), [
    { kind: 'links', label: 'all links: latency 5ms–50ms for 10s', from: 1 * SECOND, to: 2 * SECOND, nodes: null },
    { kind: 'partition', label: 'partition: 2 groups of 3/2', from: 3 * SECOND, to: null, nodes: [0, 1, 2] },
  ]);
});

test('churn is one window for its period and one per stopped node, each ended at that node\'s restart', () => {
  const t = timeline([{ at: '1s', churn: { rate: '10/s', downtime: ['500ms', '1s'], until: '4s' } }], 10 * SECOND);
  const [period, ...downs] = t.faults.windows;
  assert.equal(period, { kind: 'churn', label: 'churn 10/s, down 500ms–1s', from: 1 * SECOND, to: 4 * SECOND, nodes: null });
  assert.ok(downs.length >= 2, `${downs.length} nodes stopped by churn`);
  for (const w of downs) {
    assert.is(w.kind, 'down');
    assert.match(w.label, /^node \d+ down \(churn\)$/);
    assert.equal(w.nodes, [Number(/\d+/.exec(w.label)![0])]);
    assert.ok(w.from >= 1 * SECOND && w.from < 4 * SECOND, `stopped at ${w.from}`);
    assert.ok(w.to !== null && w.to - w.from >= 500_000 && w.to - w.from <= 1 * SECOND, `down ${w.from} -> ${w.to}`);
  }
});

test('the fault log keeps at most 2000 windows and counts the rest; a window lists at most 64 nodes', () => {
  const log = new FaultLog();
  for (let i = 0; i < 2005; i++) log.begin(`down:${i}`, 'down', `node ${i} stopped`, [i], i);
  assert.is(log.windows.length, 2000);
  assert.is(log.dropped, 5);
  const big = new FaultLog();
  big.begin('partition:0', 'partition', 'partition: 1 groups of 100', Array.from({ length: 100 }, (_, i) => i), 0);
  assert.is(big.windows[0]!.nodes!.length, 64);
  big.begin('partition:0', 'partition', 'again', null, 5);
  assert.is(big.windows.length, 1, 'a key already open is not opened twice');
  big.end('partition:0', 9);
  big.end('partition:0', 12);
  assert.is(big.windows[0]!.to, 9, 'ending twice keeps the first end');
});

test.run();
