/**
 * The scenario faults, each watched from outside the protocol: which links a partition takes down and heal brings
 * back, how long messages take during a latency change, when churn stops and restarts nodes, what pause holds
 * back, what the liveness bound and a removal with `restore` do to the verdict, and what `--swarm` draws.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Traffic } from '../src/check/series.js';
import { createRng } from '../src/core/rng.js';
import { MS, SECOND, type Micros } from '../src/core/units.js';
import { MSG_NAMES, MsgType } from '../src/protocol/stream/messages.js';
import { loadScenario } from '../src/scenario/loader.js';
import { runScenario } from '../src/scenario/runner.js';
import { parseScenario, type Scenario } from '../src/scenario/schema.js';
import { withSwarmFaults } from '../src/scenario/swarm.js';
import { Timeline } from '../src/scenario/timeline.js';
import type { WorldObserver } from '../src/sim/observer.js';
import { World } from '../src/sim/world.js';
import { streamProtocol } from '../src/protocol/stream/plugin.js';
import { streamSettings } from '../src/scenario/schema-protocols.js';
import { streamWorld, type StreamWorld } from './helpers/net.js';
import { loadSnapshot } from '../src/topology/snapshot.js';
import type { Topology } from '../src/topology/topology.js';

function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return dir;
}
const ROOT = repoRoot();
/** 64 hive-connected nodes, 734 links. */
const net64 = loadSnapshot(join(ROOT, 'snapshots/generated-64.json'));
/** A star: hub 0 = 00c3.., leaves 1 = 80c3.., 2 = 40c3.., 3 = 20c3.., 4 = 30c3.., 5 = 60c3... */
const pivot6 = loadSnapshot(join(ROOT, 'snapshots/pivot-6.json'));

/** A scenario written as JSON: 20 ms links without a bandwidth limit, so a message's transit is its latency. */
function scenario(events: unknown[], more: Record<string, unknown> = {}): Scenario {
  const json = { pullsim: 1, topology: { snapshot: 'in-memory' }, links: { latency: '20ms', bandwidth: 'unlimited' }, events, ...more };
  return parseScenario(json, 'mem.json', 'faults');
}

/** The world and timeline runScenario builds (same seed streams), with our observers on before anything starts. */
function simulate(s: Scenario, topology: Topology, seed: number, ...observers: WorldObserver[]): StreamWorld {
  const rng = createRng(seed);
  const removals = s.events.some((e) => 'remove' in e.action);
  const world = new World(topology, { links: s.links, redialDelay: s.protocol.redialDelay ?? undefined, removals }, rng.fork('world'), streamProtocol(streamSettings(s.protocol)));
  for (const o of observers) world.observe(o);
  new Timeline(world, s, rng.fork('scenario'), new Traffic(MSG_NAMES));
  world.start();
  return world;
}

/** Sorted [a, b] pairs. */
const sorted = (pairs: readonly (readonly [number, number])[]): [number, number][] =>
  pairs.map(([a, b]): [number, number] => (a < b ? [a, b] : [b, a])).sort((x, y) => x[0] - y[0] || x[1] - y[1]);

/** The first address bit, read from the node's hex id (not from the address table the timeline uses). */
const half = (t: Topology, node: number): number => (parseInt(t.ids[node]![0]!, 16) >= 8 ? 1 : 0);

interface Transit {
  from: number;
  to: number;
  type: number;
  sentAt: Micros;
  took: Micros;
}

/** Every message's transit: its send (a `sent` observer) matched with its delivery event (FIFO per direction). */
function watchTransits(world: World): Transit[] {
  const out: Transit[] = [];
  const inFlight = new Map<string, { type: number; sentAt: Micros }[]>();
  world.observe({
    sent: (from, to, msg, _bytes, t) => {
      const k = `${from}>${to}`;
      inFlight.set(k, [...(inFlight.get(k) ?? []), { type: msg.type, sentAt: t }]);
    },
  });
  world.engine.sink = {
    event: (time, kind, from, to) => {
      if (world.engine.kindName(kind) !== 'deliver') return;
      const m = inFlight.get(`${from}>${to}`)!.shift()!;
      out.push({ from, to, type: m.type, sentAt: m.sentAt, took: time - m.sentAt });
    },
  };
  return out;
}

// --- partition and heal ---------------------------------------------------------------------------------------

test('a partition into halves takes down exactly the links between the two address halves, and Kademlia sees those peers go', () => {
  const dropped: [number, number][] = [];
  const world = simulate(scenario([{ at: '1s', partition: { halves: true } }]), net64, 1, {
    disconnected: (a, b, reason) => {
      assert.is(reason, 'disconnected by scenario');
      dropped.push([a, b]);
    },
  });
  const crossing = sorted(net64.conns.filter(([a, b]) => half(net64, a) !== half(net64, b)));
  const within = sorted(net64.conns.filter(([a, b]) => half(net64, a) === half(net64, b)));
  assert.ok(crossing.length > 50 && within.length > 50, `${crossing.length} crossing, ${within.length} within`);
  world.runUntil(1 * SECOND - 1);
  assert.equal(world.links(), sorted(net64.conns), 'every link is up before the partition');
  world.runUntil(2 * SECOND);
  assert.equal(sorted(dropped), crossing);
  assert.equal(world.links(), within);
  for (let n = 0; n < net64.ids.length; n++) {
    const peers = [...world.nodes[n]!.peers.keys()];
    assert.ok(peers.every((p) => half(net64, p) === half(net64, n)), `node ${n} still has a peer across the partition`);
  }
});

test('heal brings back every partitioned link and restarts the nodes the scenario stopped', () => {
  const events = [
    { at: '1s', partition: { halves: true } },
    { at: '1500ms', stop: { node: 7 } },
    { at: '1500ms', stop: { node: 40 } },
    { at: '3s', heal: {} },
  ];
  const world = simulate(scenario(events), net64, 1);
  world.runUntil(2900 * MS);
  assert.equal([world.up[7], world.up[40]], [false, false]);
  assert.ok(world.linkCount() < net64.conns.length);
  world.runUntil(3 * SECOND);
  assert.equal([world.up[7], world.up[40]], [true, true]);
  assert.equal(world.links(), sorted(net64.conns), 'the topology is whole again at the heal');
});

test('a partition into explicit groups drops only the links between the groups; a node in no group keeps its links', () => {
  const world = simulate(scenario([{ at: '1s', partition: { groups: [[0, 1], ['20c3', 4]] } }, { at: '2s', heal: {} }]), pivot6, 1);
  world.runUntil(1500 * MS);
  assert.equal(world.links(), [[0, 1], [0, 2], [0, 5]], 'hub 0 lost leaves 3 (20c3) and 4; leaves 2 and 5 were in no group');
  world.runUntil(2 * SECOND);
  assert.equal(world.links(), sorted(pivot6.conns));
});

// --- link changes -------------------------------------------------------------------------------------------

/**
 * A change at 3 s on a busy star (leaves 3 and 4 linked too): uploads at the hub at 0 s (history, synced by 1 s),
 * at the hub and leaf 3 at 1.2 s (offered live when the 2 s server batch timeout ends the batch, at 3.2 s) and
 * again at 8 s, so every link carries messages before, during and after the change.
 */
const busyStar = (change: Record<string, unknown>): unknown[] => [
  { at: '0s', connect: { a: 3, b: 4 } },
  { at: '0s', upload: { node: 0, chunks: 20 } },
  { at: '1200ms', upload: { node: 0, chunks: 20 } },
  { at: '1200ms', upload: { node: 3, chunks: 20 } },
  { at: '3s', links: change },
  { at: '8s', upload: { node: 0, chunks: 20 } },
  { at: '8s', upload: { node: 3, chunks: 20 } },
];

test('a latency spike on all links makes every message sent inside it take the spike latency, and then 20 ms again', () => {
  const world = simulate(scenario(busyStar({ latency: '500ms', for: '1s' })), pivot6, 1);
  const transits = watchTransits(world);
  world.runUntilQuiescent(60 * SECOND);
  const before = transits.filter((m) => m.sentAt < 3 * SECOND);
  const inside = transits.filter((m) => m.sentAt >= 3 * SECOND && m.sentAt < 4 * SECOND);
  const after = transits.filter((m) => m.sentAt >= 4500 * MS);
  assert.ok(before.length > 20 && inside.length > 10 && after.length > 20, `${before.length} / ${inside.length} / ${after.length} messages`);
  assert.ok(before.every((m) => m.took === 20 * MS));
  assert.ok(inside.every((m) => m.took >= 500 * MS), `fastest inside the spike: ${Math.min(...inside.map((m) => m.took))} us`);
  assert.ok(after.every((m) => m.took === 20 * MS), `slowest after it: ${Math.max(...after.map((m) => m.took))} us`);
  assert.equal(world.linkModels.defaults, scenario([]).links);
});

const starLinks = ['0-1', '0-2', '0-3', '0-4', '0-5', '3-4'];
const scopes: [string, Record<string, unknown>, string[]][] = [
  ['one pair (a, b)', { a: 0, b: 3 }, ['0-3']],
  ["a node's links", { node: 3 }, ['0-3', '3-4']],
  ['all links', {}, starLinks],
];
for (const [scope, where, slowLinks] of scopes) {
  test(`a link change on ${scope} slows ${slowLinks.join(', ')} in both directions for its 2 s, and no other link`, () => {
    const world = simulate(scenario(busyStar({ ...where, latency: '300ms', for: '2s' })), pivot6, 1);
    const transits = watchTransits(world);
    world.runUntilQuiescent(60 * SECOND);
    const inside = transits.filter((m) => m.sentAt >= 3 * SECOND && m.sentAt < 5 * SECOND);
    const link = (m: Transit) => `${Math.min(m.from, m.to)}-${Math.max(m.from, m.to)}`;
    const directions = new Set(inside.map((m) => `${m.from}>${m.to}`));
    for (const l of starLinks) {
      const [a, b] = l.split('-');
      assert.ok(directions.has(`${a}>${b}`) && directions.has(`${b}>${a}`), `traffic both ways on ${l} during the change`);
    }
    for (const m of inside) {
      if (slowLinks.includes(link(m))) assert.ok(m.took >= 300 * MS, `${m.from}>${m.to} took ${m.took} us`);
      else assert.is(m.took, 20 * MS, `${m.from}>${m.to}`);
    }
    const after = transits.filter((m) => m.sentAt >= 5500 * MS);
    assert.ok(after.length > 20 && after.every((m) => m.took === 20 * MS), 'every link is back to 20 ms');
  });
}

// --- churn ------------------------------------------------------------------------------------------------

interface Stop {
  node: number;
  at: Micros;
  downFor: Micros | undefined;
}

/** Each stop and how long the node stayed down (undefined while it still is). */
function watchStops(): { observer: WorldObserver; stops: Stop[] } {
  const stops: Stop[] = [];
  const observer: WorldObserver = {
    nodeUp: (node, up, t) => {
      if (!up) stops.push({ node, at: t, downFor: undefined });
      else {
        const s = stops.filter((x) => x.node === node).pop()!;
        s.downFor = t - s.at;
      }
    },
  };
  return { observer, stops };
}

const churn = (more: unknown[] = []) => scenario([{ at: '1s', churn: { rate: '10/s', downtime: ['200ms', '1s'], until: '11s' } }, ...more]);

test('churn at 10/s for 10 s stops about 100 nodes, each for a downtime inside the range, and all are back at the end', () => {
  const { observer, stops } = watchStops();
  const world = simulate(churn(), net64, 1, observer);
  world.runUntil(13 * SECOND);
  assert.ok(stops.length >= 70 && stops.length <= 130, `${stops.length} stops`);
  assert.ok(stops.every((s) => s.at > 1 * SECOND && s.at < 11 * SECOND));
  assert.ok(new Set(stops.map((s) => s.node)).size > 40, 'the stops spread over the nodes');
  for (const s of stops) assert.ok(s.downFor !== undefined && s.downFor >= 200 * MS && s.downFor <= 1 * SECOND, `node ${s.node} stopped at ${s.at} was down ${s.downFor}`);
  assert.ok(world.up.every((u) => u));
});

test('churn draws from the seed: the same seed stops the same nodes at the same times, another seed does not', () => {
  const run = (seed: number) => {
    const { observer, stops } = watchStops();
    const world = simulate(churn(), net64, seed, observer);
    world.runUntil(13 * SECOND);
    return { stops: JSON.stringify(stops), fingerprint: world.engine.fingerprint.hex() };
  };
  const [a, b, c] = [run(5), run(5), run(6)];
  assert.is(b.stops, a.stops);
  assert.is(b.fingerprint, a.fingerprint);
  assert.is.not(c.stops, a.stops);
  assert.is.not(c.fingerprint, a.fingerprint);
});

test('heal ends churn: the nodes it stopped come back at once and none stops after the heal', () => {
  const { observer, stops } = watchStops();
  const world = simulate(churn([{ at: '4s', heal: {} }]), net64, 1, observer);
  world.runUntil(4 * SECOND);
  assert.ok(world.up.every((u) => u), 'every node is up at the heal');
  assert.ok(stops.length > 0 && stops.some((s) => s.at + (s.downFor ?? 0) === 4 * SECOND), 'at least one node was restarted by the heal');
  world.runUntil(13 * SECOND);
  assert.ok(stops.every((s) => s.at < 4 * SECOND), `stopped after the heal at ${stops.map((s) => s.at).filter((t) => t >= 4 * SECOND)}`);
});

test('the harness runs a scenario as runScenario does: the same seed gives the same fingerprint', () => {
  const s = churn([{ at: '0s', upload: { node: 'random', chunks: 30 } }, { at: '12s', heal: {} }]);
  const world = simulate(s, net64, 3);
  world.runUntilQuiescent(s.run.maxTime);
  assert.is(runScenario(s, net64, { seed: 3 }).fingerprint, world.engine.fingerprint.hex());
});

// --- liveness bound -------------------------------------------------------------------------------------------

test('a convergeWithin bound of 1us after a heal, while chunks still flow, is a liveness violation; 60 s is not', () => {
  const events = [
    { at: '0s', upload: { node: 'random', chunks: 60 } },
    { at: '1s', partition: { halves: true } },
    { at: '1500ms', upload: { node: 'random', chunks: 60 } },
    { at: '3s', heal: {} },
  ];
  const expect = { maxDuplicates: 1_000_000 };
  const tight = runScenario(scenario(events, { run: { convergeWithin: '1us' }, expect }), net64, { seed: 1 });
  assert.ok(tight.verdict.convergenceMicros > 3 * SECOND, 'chunks were still being stored after the heal');
  assert.not.ok(tight.verdict.pass);
  const liveness = tight.verdict.violations.filter((v) => v.kind === 'liveness');
  assert.is(liveness.length, 1, JSON.stringify(tight.verdict.violations.slice(0, 3)));
  assert.match(liveness[0]!.detail, /^not converged by 3s \(the liveness bound after the last fault\): the last AoR pair arrived at /);
  const generous = runScenario(scenario(events, { run: { convergeWithin: '60s' }, expect }), net64, { seed: 1 });
  assert.ok(generous.verdict.pass, JSON.stringify(generous.verdict.violations.slice(0, 3)));
  assert.is(generous.fingerprint, tight.fingerprint, 'the bound only judges; the run is the same');
});

test('overlapping spikes each undo only their own change: after both, every link is back to 20 ms', () => {
  const world = simulate(scenario([...busyStar({ latency: '300ms', for: '2s' }), { at: '4s', links: { latency: '500ms', for: '2s' } }]), pivot6, 1);
  const transits = watchTransits(world);
  world.runUntilQuiescent(60 * SECOND);
  const after = transits.filter((m) => m.sentAt >= 6500 * MS);
  assert.ok(after.length > 20, `${after.length} messages after both spikes`);
  assert.ok(after.every((m) => m.took === 20 * MS), `slowest after both spikes: ${Math.max(...after.map((m) => m.took))} us`);
});

test('a heal voids pending spike reverts: a pair spiked before the heal follows a later change of all links', () => {
  const events = [...busyStar({ a: 0, b: 1, latency: '300ms', for: '5s' }), { at: '4s', heal: {} }, { at: '5s', links: { latency: '100ms' } }];
  const world = simulate(scenario(events), pivot6, 1);
  const transits = watchTransits(world);
  world.runUntilQuiescent(60 * SECOND);
  const late = transits.filter((m) => m.sentAt >= 8 * SECOND);
  assert.ok(late.some((m) => (m.from === 0 && m.to === 1) || (m.from === 1 && m.to === 0)), 'pair 0-1 carried messages late in the run');
  assert.ok(late.every((m) => m.took === 100 * MS), `late transits: ${[...new Set(late.map((m) => m.took))].join(', ')} us`);
});

test('churn events after a heal change nothing and do not move the start of the liveness bound', () => {
  const s = scenario([{ at: '1s', churn: { rate: '10/s', downtime: '2s', until: '11s' } }, { at: '4s', heal: {} }], { run: { convergeWithin: '60s' } });
  const rng = createRng(1);
  const world = new World(net64, { links: s.links, redialDelay: s.protocol.redialDelay ?? undefined }, rng.fork('world'), streamProtocol(streamSettings(s.protocol)));
  const timeline = new Timeline(world, s, rng.fork('scenario'), new Traffic(MSG_NAMES));
  world.start();
  world.runUntilQuiescent(60 * SECOND);
  assert.is(timeline.lastFault, 4 * SECOND);
});

// --- removal ---------------------------------------------------------------------------------------------

/** Five chunks uploaded at the hub reach every leaf (depth 0); at 5 s leaf 1 loses the third one. */
const removal = (restore: boolean) =>
  runScenario(scenario([{ at: '0s', upload: { node: 0, chunks: 5 } }, { at: '5s', remove: { node: 1, chunks: [[2, 3]], restore } }]), pivot6, { seed: 1 });

test('a removal with restore keeps the node among the expected holders: nothing brings the chunk back, so it is missing', () => {
  const o = removal(true);
  assert.not.ok(streamWorld(o.world).nodes[1]!.store.has(o.uploaded[2]!));
  assert.equal(o.verdict.violations.map((v) => [v.kind, v.node, v.chunk]), [['missing', 1, o.uploaded[2]]]);
});

test('a removal without restore exempts the node: the run passes with one (chunk, AoR node) pair fewer', () => {
  const [kept, exempt] = [removal(true), removal(false)];
  assert.ok(exempt.verdict.pass, JSON.stringify(exempt.verdict.violations));
  assert.is(exempt.verdict.aorPairs, kept.verdict.aorPairs - 1);
  assert.is(exempt.verdict.aorHeld, kept.verdict.aorHeld);
});

// --- pause and resume ----------------------------------------------------------------------------------------

test('pause holds every message to the node and resume dispatches them all at once, in the order they arrived', () => {
  const s = scenario([
    { at: '0s', upload: { node: 0, chunks: 30 } },
    { at: '100ms', pause: { node: 1 } },
    { at: '3s', resume: { node: 1 } },
  ]);
  const stores: Micros[] = [];
  const world = simulate(s, pivot6, 1, { stored: (node, _c, t) => void (node === 1 && stores.push(t)) });
  const arrivals: { at: Micros; c: number }[] = [];
  world.engine.sink = { event: (at, kind, _from, to, c) => void (world.engine.kindName(kind) === 'deliver' && to === 1 && arrivals.push({ at, c })) };
  world.runUntilQuiescent(60 * SECOND);
  const held = arrivals.filter((a) => a.at >= 100 * MS && a.at < 3 * SECOND).map((a) => a.c);
  const released = arrivals.filter((a) => a.at === 3 * SECOND).map((a) => a.c);
  assert.ok(held.length >= 2, `${held.length} messages arrived during the pause`);
  assert.ok(held.some((c) => c % 8 === MsgType.StreamInfoRes), 'the hub answered the leaf while it was paused');
  assert.equal(released, held, 'the same messages (type and connection), in arrival order, at the resume');
  assert.ok(stores.length === 30 && stores.every((t) => t > 3 * SECOND), `leaf 1 stored ${stores.length} chunks, the first at ${stores[0]}`);
});

test('heal resumes a paused node', () => {
  const world = simulate(scenario([{ at: '0s', upload: { node: 0, chunks: 10 } }, { at: '0s', pause: { node: 2 } }, { at: '2s', heal: {} }]), pivot6, 1);
  world.runUntil(1999 * MS);
  assert.equal([world.paused[2], world.nodes[2]!.storedCount], [true, 0]);
  world.runUntilQuiescent(60 * SECOND);
  assert.equal([world.paused[2], world.nodes[2]!.storedCount], [false, 10]);
});

// --- swarm testing ------------------------------------------------------------------------------------------

const swarm64 = loadScenario(join(ROOT, 'scenarios/swarm-64.json'));

test('withSwarmFaults draws the same fault mix from the same seed and different mixes from different seeds', () => {
  const draw = (seed: number) => withSwarmFaults(swarm64.scenario, seed, swarm64.topology);
  assert.equal(draw(7), draw(7));
  const mixes = new Set(Array.from({ length: 20 }, (_, i) => JSON.stringify(draw(i + 1).mix)));
  assert.is(mixes.size, 20);
});

test('every swarm mix ends with a heal after all its faults and carries a convergeWithin bound', () => {
  for (let seed = 1; seed <= 200; seed++) {
    const { scenario: s, mix } = withSwarmFaults(swarm64.scenario, seed, swarm64.topology);
    const last = s.events[s.events.length - 1]!;
    assert.ok('heal' in last.action && last.at === mix.healAt, `seed ${seed}: ends with ${JSON.stringify(last)}`);
    const churns = s.events.filter((e) => 'churn' in e.action);
    assert.equal(churns.map((e) => ('churn' in e.action ? e.action.churn.until : -1)), [mix.healAt], `seed ${seed}: one churn, until the heal`);
    if (mix.spike) assert.ok(mix.spike.at < mix.healAt, `seed ${seed}: the spike starts before the heal`);
    assert.is(s.run.convergeWithin, 60 * SECOND);
    assert.is(s.events.filter((e) => 'upload' in e.action).length, 2, 'the scenario keeps its own events');
  }
  const own = { ...swarm64.scenario, run: { ...swarm64.scenario.run, convergeWithin: 5 * SECOND } };
  assert.is(withSwarmFaults(own, 1, swarm64.topology).scenario.run.convergeWithin, 5 * SECOND, "a scenario's own bound is kept");
});

for (const seed of [3, 5]) {
  test(`swarm-64 under the fault mix of seed ${seed} heals, converges within its bound and passes`, () => {
    const { scenario: s, mix } = withSwarmFaults(swarm64.scenario, seed, swarm64.topology);
    const o = runScenario(s, swarm64.topology, { seed });
    assert.ok(o.verdict.pass, `${JSON.stringify(mix)}: ${JSON.stringify(o.verdict.violations.slice(0, 3))}`);
    assert.ok(o.verdict.aorPairs > 0 && o.verdict.aorHeld === o.verdict.aorPairs);
  });
}

test.run();
