/**
 * The goroutine runtime (scenario section `runtime`, docs/runtime.md) with stream!: handlers split where Go's block,
 * their steps interleaved by the seed on a simulated machine; each option changes what it should, and the serial
 * runtime changes nothing.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SECOND } from '../src/core/units.js';
import { MsgType, type Message } from '../src/protocol/stream/messages.js';
import { runScenario } from '../src/scenario/runner.js';
import { parseScenario } from '../src/scenario/schema.js';
import { configHash } from '../src/report/result.js';
import { loadScenario } from '../src/scenario/loader.js';
import { RUNTIME_DEFAULTS } from '../src/scenario/runtime-spec.js';
import { shapedTopology } from '../src/topology/shapes.js';
import { makeWorld, pair, randomTopology, uploadChunks } from './helpers/net.js';
import { ROOT, runCli } from './helpers/process.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Two nodes, 300 chunks at node 0 pulled by node 1 on one core: node 1's OfferedHashes handlers (NeedData over up
 * to 64 hashes each) overlap. Returns the ruids of the first two non-empty offers in arrival order, and of the
 * WantedHashes that ended their handlers, in the order sent.
 */
function firstTwoOffers(seed: number) {
  const world = makeWorld(randomTopology(2, 'reorder', pair()), seed, { runtime: { cores: 1 } });
  const offers: number[] = [];
  const wanted: number[] = [];
  world.observe({
    sent: (from, to, msg) => {
      const m = msg as Message;
      if (from === 0 && to === 1 && m.type === MsgType.OfferedHashes && m.hashes.length > 0 && offers.length < 2) offers.push(m.ruid);
      if (from === 1 && m.type === MsgType.WantedHashes && offers.includes(m.ruid)) wanted.push(m.ruid);
    },
  });
  uploadChunks(world, 0, 300);
  world.start();
  world.runUntil(5 * SECOND);
  return { offers, wanted, fingerprint: world.engine.fingerprint.hex() };
}

test("two offers on one connection, the second arriving before the first's NeedData is done, complete in both orders over seeds 1-50", () => {
  let inOrder = 0;
  let reversed = 0;
  for (let seed = 1; seed <= 50; seed++) {
    const { offers, wanted } = firstTwoOffers(seed);
    assert.is(offers.length, 2, `seed ${seed}`);
    assert.equal([...wanted].sort(), [...offers].sort(), `seed ${seed}: both handlers end with a WantedHashes`);
    if (wanted[0] === offers[0]) inOrder++;
    else reversed++;
  }
  assert.ok(inOrder > 0 && reversed > 0, `in order ${inOrder}, reversed ${reversed}`);
});

test('the same seed gives the same interleaving', () => {
  for (const seed of [3, 17]) assert.equal(firstTwoOffers(seed), firstTwoOffers(seed));
});

/** A scenario of `nodes` in a star, `chunks` uploaded at the centre before syncing, with the given runtime section. */
function star(nodes: number, chunks: number, runtime?: Record<string, unknown>) {
  const doc = {
    pullsim: 1,
    name: 'runtime-star',
    topology: { generate: { nodes, shape: 'star' } },
    protocol: { syncInitBackoff: '0ms', redialDelay: null },
    links: { latency: '0ms', bandwidth: 'unlimited' },
    ...(runtime ? { runtime } : {}),
    events: [{ at: '0s', upload: { node: 0, chunks } }],
  };
  return { scenario: parseScenario(doc, 'runtime-star.json', 'runtime-star'), topology: shapedTopology('star', nodes, 1) };
}

/** Seconds until every AoR pair was held. */
function converged(nodes: number, chunks: number, runtime?: Record<string, unknown>, seed = 1): number {
  const { scenario, topology } = star(nodes, chunks, runtime);
  const o = runScenario(scenario, topology, { seed, details: false });
  assert.ok(o.verdict.pass, o.verdict.violations[0]?.detail);
  return o.verdict.convergenceMicros / SECOND;
}

test('the serial runtime is the run without a runtime section: same fingerprint, same config hash; goroutines change the run', () => {
  const run = (runtime?: Record<string, unknown>) => {
    const { scenario, topology } = star(6, 200, runtime);
    return { fp: runScenario(scenario, topology, { seed: 2, details: false }).fingerprint, hash: configHash(scenario, topology) };
  };
  const none = run();
  assert.equal(run({ handlers: 'serial' }), none);
  const g = run({ handlers: 'goroutines' });
  assert.is.not(g.fp, none.fp);
  assert.is.not(g.hash, none.hash);
});

test('more cores sync a star sooner; busy loops beside them slow it down', () => {
  const one = converged(11, 300, { handlers: 'goroutines', cores: 1 });
  const eight = converged(11, 300, { handlers: 'goroutines', cores: 8 });
  const loaded = converged(11, 300, { handlers: 'goroutines', cores: 1, busyLoops: 3 });
  assert.ok(eight < one / 3, `1 core ${one} s, 8 cores ${eight} s`);
  assert.ok(loaded > one * 3.5 && loaded < one * 4.5, `1 core ${one} s, with 3 busy loops ${loaded} s`);
});

test('each cost counts: ten times any one of them makes the sync slower, twice all of them about twice as slow', () => {
  const base = converged(2, 400, { handlers: 'goroutines' });
  for (const name of ['handler', 'send', 'storeLookup', 'get', 'put']) {
    const slower = converged(2, 400, { handlers: 'goroutines', costs: { [name]: name === 'put' ? '830us' : name === 'get' ? '220us' : '110us' } });
    assert.ok(slower > base * 1.05, `${name}: ${slower} s against ${base} s`);
  }
  const doubled = converged(2, 400, { handlers: 'goroutines', costs: { handler: '22us', send: '22us', storeLookup: '12us', get: '44us', put: '166us' } });
  assert.ok(doubled > base * 1.8 && doubled < base * 2.2, `${doubled} s against ${base} s`);
});

test('jitter: without it the same interleaving on every seed, with it the seed decides', () => {
  const fp = (jitter: string, seed: number) => {
    const { scenario, topology } = star(4, 150, { handlers: 'goroutines', cores: 1, jitter });
    return runScenario(scenario, topology, { seed, details: false }).fingerprint;
  };
  // chunk addresses come from the seed too: compare seeds by the order of the machine's steps, not by the run
  assert.is(fp('0us', 1), fp('0us', 1));
  assert.is.not(fp('50us', 1), fp('0us', 1));
  assert.is.not(fp('50us', 1), fp('200us', 1));
});

test('runtime settings other than handlers need the goroutine runtime', () => {
  assert.throws(() => star(3, 10, { cores: 4 }), (e: Error) => e.message.includes('$.runtime.cores') && e.message.includes('goroutines'));
  assert.throws(() => star(3, 10, { handlers: 'serial', costs: { put: '1ms' } }), (e: Error) => e.message.includes('$.runtime.costs'));
});

/**
 * mutants/new-peer-window without the mutant: X (node 0) connects to E at 1 s and InitPeer reads X's depth (2) and
 * asks E for bin 1 only; A (node 1) stops 20 us later and X's depth falls to 0. Go's InitPeer subscribes to depth
 * signals only after its StreamInfoReq is sent: under the goroutine runtime that send is a step (a wake-up delay and
 * its cost), so the change can fall inside it and is missed (L3), and E's other bins are never pulled.
 */
function newPeerWindow(handlers: 'serial' | 'goroutines', seed: number) {
  const { scenario, topology } = loadScenario(join(ROOT, 'scenarios/mutants/new-peer-window.json'));
  const stop = scenario.events.findIndex((e) => 'stop' in e.action);
  scenario.events[stop]!.at = 1 * SECOND + 20;
  scenario.runtime = { ...RUNTIME_DEFAULTS, handlers };
  return runScenario(scenario, topology, { seed, details: false }).verdict;
}

test('L3 without the mutant switch: a depth change inside InitPeer is missed under goroutines, never under the serial runtime', () => {
  const missed = [1, 2, 3, 4, 5].filter((seed) => !newPeerWindow('goroutines', seed).pass);
  assert.ok(missed.length >= 3, `missed on seeds ${missed.join(', ')}`);
  const v = newPeerWindow('goroutines', missed[0]!);
  assert.ok(v.violations.every((x) => x.kind === 'missing'), v.violations.map((x) => x.kind).join(', '));
  for (const seed of [1, 2, 3, 4, 5]) assert.ok(newPeerWindow('serial', seed).pass, `serial, seed ${seed}`);
});

test('a goroutine run gives the same fingerprint in two processes, and another seed another one', async () => {
  const file = 'scenarios/runtime/go-two-nodes-live-gap.json';
  const dir = mkdtempSync(join(tmpdir(), 'pullsim-runtime-'));
  const fp = async (seed: number, run: string) => {
    const r = await runCli(['run', file, '--seed', String(seed), '--json', '--out', join(dir, run)], ROOT);
    return (JSON.parse(r.stdout) as { fingerprint: string }).fingerprint;
  };
  const [a, b, c] = await Promise.all([fp(4, 'a'), fp(4, 'b'), fp(5, 'c')]);
  rmSync(dir, { recursive: true, force: true });
  assert.is(a, b);
  assert.is.not(a, c);
});

test.run();
