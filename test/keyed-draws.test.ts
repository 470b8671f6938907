/**
 * Draws that survive removal: a run of a scenario with several uploads (fixed and "random"), churn, a stop, a
 * latency spike with uniform latency and a throttled node, beside the same scenario without its first upload,
 * without the spike, and without node 0. Every remaining entity draws what it drew before: the chunk addresses of
 * each remaining upload, the latency of the k-th message on each link (by its addresses), each node's request ids,
 * where "random" uploads land and which node each churn round stops, and when.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRng } from '../src/core/rng.js';
import { MS } from '../src/core/units.js';
import type { LinkModel } from '../src/net/links.js';
import { canonicalEvent } from '../src/scenario/event-keys.js';
import type { Loaded } from '../src/scenario/loader.js';
import { withoutEvent, withoutNode } from '../src/scenario/reduce.js';
import { runScenario } from '../src/scenario/runner.js';
import { parseScenario } from '../src/scenario/schema.js';
import { World } from '../src/sim/world.js';
import { streamProtocol } from '../src/protocol/stream/plugin.js';
import { streamSettings } from '../src/scenario/schema-protocols.js';
import type { StreamWorld } from './helpers/net.js';
import { loadSnapshot } from '../src/topology/snapshot.js';

function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return dir;
}
/** 16 hive-connected nodes; node 0 is 078ada7d.., node 12 is 8005632f.. */
const net16 = loadSnapshot(join(repoRoot(), 'snapshots/generated-16.json'));

const FIRST_UPLOAD = 0;
const SPIKE = 3;
const full: Loaded = {
  topology: net16,
  scenario: parseScenario(
    {
      pullsim: 1,
      topology: { snapshot: 'generated-16.json' },
      links: { latency: { uniform: ['5ms', '40ms'] }, bandwidth: '10MB/s' },
      events: [
        { at: '0s', upload: { node: 5, chunks: 20 } },
        { at: '0s', upload: { node: 'random', chunks: 40 } },
        { at: '1s', churn: { rate: '2/s', downtime: ['300ms', '1s'], until: '6s' } },
        { at: '2s', links: { latency: { uniform: ['1ms', '80ms'] }, for: '2s' } },
        { at: '2500ms', stop: { node: 9 } },
        { at: '3s', upload: { node: 'random', chunks: 30 } },
        { at: '3500ms', start: { node: 9 } },
        { at: '4s', links: { node: 7, bandwidth: '200KB/s' } },
        { at: '5s', upload: { node: '8005', chunks: 10 } },
        { at: '5500ms', upload: { node: 'random', chunks: 30 } },
        { at: '8s', heal: {} },
      ],
      run: { until: 'quiescent', maxTime: '5m' },
      expect: { maxDuplicates: 100000 },
    },
    'keyed.json',
    'keyed',
  ),
};

interface Outcome {
  world: World;
  fingerprint: string;
  /** per upload event (by its content, node references as addresses): its chunks' addresses and where each went */
  uploads: Map<string, string[]>;
  /** every stop and start, in order: time, node address, down or up */
  ups: string[];
}

function run(l: Loaded, seed = 1): Outcome {
  const placed: [number, number][] = [];
  const ups: string[] = [];
  const observer = {
    uploaded: (node: number, chunk: number) => void placed.push([chunk, node]),
    nodeUp: (node: number, up: boolean, now: number) => void ups.push(`${now} ${l.topology.ids[node]!} ${up ? 'up' : 'down'}`),
  };
  const o = runScenario(l.scenario, l.topology, { seed, observers: [observer] });
  // the timeline applies events by time, ties in file order; each upload places all its chunks at once
  const order = l.scenario.events.map((e, i) => ({ e, i })).sort((x, y) => x.e.at - y.e.at || x.i - y.i);
  const uploads = new Map<string, string[]>();
  let next = 0;
  for (const { e } of order) {
    if (!('upload' in e.action)) continue;
    const mine = placed.slice(next, next + e.action.upload.chunks);
    next += mine.length;
    uploads.set(canonicalEvent(e, l.topology), mine.map(([c, n]) => `${o.world.chunks.hex(c)} at ${l.topology.ids[n]!}`));
  }
  assert.is(next, placed.length, 'every upload is accounted for');
  return { world: o.world, fingerprint: o.fingerprint, uploads, ups };
}

const base = run(full);
const variants = {
  'without its first upload': { loaded: { ...full, scenario: withoutEvent(full.scenario, FIRST_UPLOAD) }, gone: [] as string[] },
  'without the latency spike': { loaded: { ...full, scenario: withoutEvent(full.scenario, SPIKE) }, gone: [] as string[] },
  'without node 0': { loaded: withoutNode(full, 0), gone: [net16.ids[0]!] },
};
const NODE0 = net16.ids[0]!;

test('the scenario uploads at random nodes, churns, and churn stops node 0 once (so removing it moves something)', () => {
  assert.is(base.uploads.size, 5);
  assert.ok(base.ups.some((u) => u.includes(`${NODE0} down`)), base.ups.join('\n'));
  assert.ok([...base.uploads.values()].flat().some((p) => p.endsWith(`at ${NODE0}`)), 'some random chunk lands on node 0');
});

const runs = new Map(Object.entries(variants).map(([name, v]) => [name, run(v.loaded)]));

for (const [name, v] of Object.entries(variants)) {
  const r = runs.get(name)!;

  test(`${name}: every remaining upload makes the same chunk addresses`, () => {
    const expected = [...base.uploads].filter(([k]) => v.loaded.scenario.events.some((e) => canonicalEvent(e, v.loaded.topology) === k));
    assert.is(expected.length, r.uploads.size, 'the same upload events remain');
    for (const [k, list] of expected) assert.equal(r.uploads.get(k)!.map((p) => p.slice(0, 64)), list.map((p) => p.slice(0, 64)), k);
  });

  test(`${name}: churn rounds stop and restart at the same times, the same nodes unless a victim is gone`, () => {
    assert.is(r.ups.length, base.ups.length);
    base.ups.forEach((u, i) => {
      if (r.ups[i] === u) return;
      const [time, node] = u.split(' ');
      assert.ok(v.gone.includes(node!), `${u} became ${r.ups[i]}`);
      assert.is(r.ups[i]!.split(' ')[0], time, 'the round keeps its time');
    });
  });

  test(`${name}: random uploads land where they did, unless that node is gone or down in this run`, () => {
    const downNow = (node: string, at: number): boolean => {
      let down = false;
      for (const u of r.ups) {
        const [t, n, what] = u.split(' ');
        if (Number(t) > at) break;
        if (n === node) down = what === 'down';
      }
      return down;
    };
    let moved = 0;
    for (const [k, list] of r.uploads) {
      const at = JSON.parse(k)[0] as number;
      base.uploads.get(k)!.forEach((was, i) => {
        if (list[i] === was) return;
        moved++;
        const node = was.slice(-64);
        assert.ok(v.gone.includes(node) || downNow(node, at), `${list[i]} was ${was}`);
      });
    }
    assert.is(moved > 0, v.gone.length > 0, 'only removing a node moves a pick');
  });
}

const removed = variants['without node 0'];
const reduced = runs.get('without node 0')!;

test('the k-th message on a link draws the same latency without node 0, for every remaining link, under both link models', () => {
  const models: LinkModel[] = [full.scenario.links, { latency: { uniform: [1 * MS, 80 * MS] }, bandwidth: Infinity, processing: 0 }];
  const ids = net16.ids;
  let compared = 0;
  for (let a = 1; a < ids.length; a++) {
    for (let b = 1; b < ids.length; b++) {
      if (a === b) continue;
      for (const model of models) {
        const here = Array.from({ length: 20 }, (_, k) => base.world.latencyOf(a, b, k, model));
        assert.equal(Array.from({ length: 20 }, (_, k) => reduced.world.latencyOf(a - 1, b - 1, k, model)), here, `${ids[a]} to ${ids[b]}`);
        compared++;
      }
    }
  }
  assert.is(compared, 15 * 14 * 2);
  const draws = (a: number, b: number) => Array.from({ length: 50 }, (_, k) => base.world.latencyOf(a, b, k, models[1]!));
  assert.ok(new Set(draws(1, 2)).size > 30, 'the draws vary from message to message');
  assert.ok(draws(1, 2).every((d) => d >= 1 * MS && d <= 80 * MS), 'within the model');
  assert.not.equal(draws(1, 2), draws(2, 1), 'each direction draws its own');
});

test('every remaining node draws the same request ids without node 0', () => {
  // worlds as the runner builds them, before anything ran: a node's later ids depend on its own history
  const fresh = (l: Loaded): StreamWorld => new World(l.topology, { links: l.scenario.links, redialDelay: undefined }, createRng(1).fork('world'), streamProtocol(streamSettings(l.scenario.protocol)));
  const before = fresh(full);
  const after = fresh(removed.loaded);
  const ids = (w: StreamWorld, n: number) => Array.from({ length: 5 }, () => w.nodes[n]!.rng.u32());
  for (let i = 1; i < net16.ids.length; i++) assert.equal(ids(after, i - 1), ids(before, i), net16.ids[i]);
  assert.is.not(ids(before, 1)[0], ids(before, 2)[0], 'nodes draw their own');
});

test('one seed gives one fingerprint; another seed another', () => {
  assert.is(run(full).fingerprint, base.fingerprint);
  assert.is.not(run(full, 2).fingerprint, base.fingerprint);
});

test.run();
