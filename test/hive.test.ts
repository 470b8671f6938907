/**
 * The Go hive (`hive.model: "go"`, src/sim/hive.ts) watched from outside: whom each node dials and when, through
 * the world's `dialled` and `connected` events, on hand-made stars whose leaves sit at chosen POs from the pivot.
 * A restarted pivot regains its peers one per tick, most wanted bin first; a peer that is down is dialled again on
 * callable's exponential schedule until MaxRetries; the p2p server redials its static peers every dialHistory and
 * dials nothing the hive suggests in between; each new connection is its own depth change.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compareKeys } from '../src/core/keyed.js';
import { createRng } from '../src/core/rng.js';
import { MS, SECOND, type Micros } from '../src/core/units.js';
import { protocolDefaults } from '../src/protocol/stream/options.js';
import { streamProtocol } from '../src/protocol/stream/plugin.js';
import type { HiveParams } from '../src/sim/hive.js';
import { World } from '../src/sim/world.js';
import { depthFromPOs } from '../src/topology/depth.js';
import { po256 } from '../src/topology/address.js';
import type { Topology } from '../src/topology/topology.js';
import { addressAtPO, randomAddresses, topologyOf, type StreamWorld } from './helpers/net.js';

const KA = 200 * MS;
const I = 1 * SECOND;
const GO: HiveParams = { keepAlive: KA, retryInterval: I, retryExponent: 2, retryJitter: 0, maxRetries: 42, minBinSize: 2, neighbourhoodSize: 2, dialHistory: 35 * SECOND };

/** Node 0 is the pivot; leaf i + 1 sits at PO pos[i] from it; every leaf is linked to the pivot only. */
function star(pos: number[], seed = 'star', extra = 0): Topology {
  const rng = createRng(seed);
  const pivot = randomAddresses(1, rng.fork('pivot'))[0]!;
  const leaves = pos.map((po) => addressAtPO(pivot, po, rng));
  const lone = randomAddresses(extra, rng.fork('extra'));
  // the lone nodes (no links) come first: every index moves, no address does
  const addresses = [...lone, pivot, ...leaves];
  return topologyOf(addresses, pos.map((_, i): [number, number] => [extra, extra + i + 1]));
}

/** A world of stream! nodes on 1 ms links with the go hive (or, with `simple`, the simple one). */
function world(t: Topology, hive: Partial<HiveParams> = {}, simple = false): StreamWorld {
  const links = { latency: { constant: 1 * MS }, bandwidth: Infinity, processing: 0 };
  return new World(t, { links, redialDelay: 200 * MS, ...(simple ? {} : { hive: { ...GO, ...hive } }) }, createRng(1), streamProtocol({ ...protocolDefaults(), syncInitBackoff: 0 }));
}

interface Dial {
  from: number;
  to: number;
  ok: boolean;
  t: Micros;
}

function watchDials(w: World): Dial[] {
  const out: Dial[] = [];
  w.observe({ dialled: (from, to, ok, t) => void out.push({ from, to, ok, t }) });
  return out;
}

/** Times (µs since `from`) of the dials by `node`. */
const since = (dials: Dial[], node: number, from: Micros) => dials.filter((d) => d.from === node).map((d) => d.t - from);

test('a restarted pivot regains its peers one per tick: empty bins shallow to deep, then the bin that holds one', () => {
  const w = world(star([0, 0, 1, 2, 3]));
  w.start();
  w.runUntil(1 * SECOND);
  w.stop(0);
  w.runUntil(2 * SECOND);
  const dials = watchDials(w);
  const links: [number, Micros][] = [];
  w.observe({ connected: (a, b, t) => void links.push([a === 0 ? b : a, t]) });
  w.restart(0);
  w.runUntil(10 * SECOND);

  const [first, second] = [1, 2].sort((x, y) => compareKeys(w.nodeKeys[x]!, w.nodeKeys[y]!));
  assert.equal(dials.filter((d) => d.from === 0).map((d) => d.to), [first, 3, 4, 5, second], 'bin 0, then the empty bins 1, 2, 3, then bin 0 again');
  assert.ok(dials.every((d) => d.from !== 0 || d.ok), 'every dial of the pivot connects');
  const t0 = dials[0]!.t;
  assert.ok(t0 > 2 * SECOND && t0 <= 2 * SECOND + KA, `the first tick within one keepAlive of the restart (${t0})`);
  assert.equal(since(dials, 0, t0), [0, KA, 2 * KA, 3 * KA, 4 * KA], 'one dial per tick');
  assert.equal(links.map(([, t]) => t), dials.map((d) => d.t), 'each connection comes up with its dial, and only then');
  assert.is(dials.filter((d) => d.from !== 0).length, 0, 'the leaves dialled the pivot when it stopped (at 1 s) and their dial history holds them back');
});

test('a restarted node dials nothing until its first tick, and with the simple hive every link is back at once', () => {
  const go = world(star([0, 0, 1, 2, 3]));
  const simple = world(star([0, 0, 1, 2, 3]), {}, true);
  for (const w of [go, simple]) {
    w.start();
    w.runUntil(1 * SECOND);
    w.stop(0);
    w.runUntil(2 * SECOND);
    w.restart(0);
  }
  assert.is(go.linkCount(), 0);
  assert.is(simple.linkCount(), 5);
});

/** Node 0 with one peer (node 1) at PO 3; node 1 stops at 1 s. Returns node 0's dials until `until`. */
function downPeer(hive: Partial<HiveParams>, until: Micros): Dial[] {
  const w = world(star([3]), hive);
  const dials = watchDials(w);
  w.start();
  w.runUntil(1 * SECOND);
  w.stop(1);
  w.runUntil(until);
  return dials.filter((d) => d.from === 0 && d.t > 0);
}

test('a peer that is down is dialled at the next tick, then once the time since it was seen exceeds I, 2I, 4I, ...', () => {
  const dials = downPeer({ dialHistory: null }, 70 * SECOND);
  assert.ok(dials.every((d) => !d.ok && d.to === 1), 'every dial fails');
  const t = since(dials, 0, 1 * SECOND);
  assert.is(t.length, 8, `dials at ${t.join(', ')}`);
  assert.ok(t[0]! > 0 && t[0]! <= KA, 'the first at the first tick after the drop');
  for (let k = 1; k < t.length; k++) {
    const due = (I + 1) * 2 ** (k - 1);
    assert.ok(t[k]! >= due && t[k]! < due + KA, `retry ${k} at ${t[k]} µs: the first tick from ${due}`);
  }
});

test('retryInterval and retryExponent set the schedule, and maxRetries ends it', () => {
  const t = since(downPeer({ dialHistory: null, retryInterval: 2 * SECOND, retryExponent: 3 }, 100 * SECOND), 0, 1 * SECOND);
  assert.is(t.length, 5, `dials at ${t.join(', ')}`);
  for (let k = 1; k < t.length; k++) {
    const due = (2 * SECOND + 1) * 3 ** (k - 1);
    assert.ok(t[k]! >= due && t[k]! < due + KA, `retry ${k} at ${t[k]} µs: the first tick from ${due}`);
  }
  const capped = since(downPeer({ dialHistory: null, maxRetries: 3 }, 200 * SECOND), 0, 1 * SECOND);
  assert.is(capped.length, 4, 'retries 0, 1, 2 and 3 are allowed; then the peer is past MaxRetries');
});

test('with jitter the divisor is drawn per call: retries fall within the bounds of exponent * (1 +- jitter)', () => {
  const plain = since(downPeer({ dialHistory: null }, 70 * SECOND), 0, 1 * SECOND);
  const t = since(downPeer({ dialHistory: null, retryJitter: 0.15 }, 70 * SECOND), 0, 1 * SECOND);
  for (let k = 1; k < t.length; k++) {
    const lo = I * 1.7 ** (k - 1);
    const hi = (I + 3) * 2.3 ** (k - 1) + KA;
    assert.ok(t[k]! > lo && t[k]! <= hi, `retry ${k} at ${t[k]} µs within (${lo}, ${hi}]`);
  }
  assert.not.equal(t, plain, 'the jitter moves some retries');
});

test("the p2p server redials a static peer every dialHistory; the hive's suggestions in between dial nothing", () => {
  // node 0 dialled node 1 at time 0 (the snapshot's connection): its dial history holds node 1 until 10 s
  const dials = downPeer({ dialHistory: 10 * SECOND }, 45 * SECOND);
  assert.equal(dials.map((d) => d.t), [10, 20, 30, 40].map((s) => s * SECOND));
});

test("a partition heals at the hive's pace: one link per tick after the heal, not all at the heal", () => {
  const t = star([0, 0, 0, 1, 1, 2]);
  const back = (simple: boolean, hive: Partial<HiveParams> = {}): Micros[] => {
    const w = world(t, hive, simple);
    const times: Micros[] = [];
    w.start();
    w.runUntil(1 * SECOND);
    const cut = w.wantedPairs().filter(([, leaf]) => po256(t.addrs, 0, t.addrs, leaf) === 0);
    for (const [a, b] of cut) w.cut(a, b);
    w.runUntil(5 * SECOND);
    w.observe({ connected: (_a, _b, at) => void times.push(at) });
    for (const [a, b] of cut) w.uncut(a, b);
    assert.ok(w.runUntilQuiescent(10 * 60 * SECOND), 'the run ends');
    assert.is(w.linkCount(), 6, 'every link is back');
    return times;
  };
  assert.equal(back(true), [5, 5, 5].map((s) => s * SECOND), 'the simple hive: all three at the heal');
  const hive = back(false, { dialHistory: null });
  assert.is(hive.length, 3);
  assert.ok(hive.every((at) => at > 5 * SECOND && at < 10 * SECOND), `after the heal, within callable's next waits: ${hive.join(', ')}`);
  assert.is(new Set(hive).size, 3, 'each at a time of its own');
  // with the p2p server under the hive: the pivot dialled its leaves at time 0 (the snapshot), so its server holds
  // them until 35 s, and the hive's suggestions dial nothing before; then it redials all three static peers at once
  assert.equal(back(false), [35, 35, 35].map((s) => s * SECOND), 'the dial history: all three when it expires');
});

/** The times at which the pivot's depth changed after its restart at 2 s, from the connections it saw come up. */
function depthSteps(w: StreamWorld): Micros[] {
  const pos: number[] = [];
  const steps: Micros[] = [];
  w.start();
  w.runUntil(1 * SECOND);
  w.stop(0);
  w.runUntil(2 * SECOND);
  let depth = 0;
  w.observe({
    connected: (a, b, t) => {
      pos.push(po256(w.topology.addrs, a, w.topology.addrs, b));
      const d = depthFromPOs(pos, 2);
      if (d !== depth && steps[steps.length - 1] !== t) steps.push(t);
      depth = d;
    },
  });
  w.restart(0);
  w.runUntil(10 * SECOND);
  assert.is(depth, w.nodes[0]!.kad.depth, "the observed depth is the pivot's own");
  return steps;
}

test('depth changes arrive one by one with the go hive, merged into one instant with the simple one', () => {
  const t = star([0, 0, 1, 2, 3]);
  assert.is(depthSteps(world(t, {}, true)).length, 1, 'simple: every link at the restart');
  const go = depthSteps(world(t));
  assert.equal(go.length, 2, `go: depth 0 -> 1 at the third connection, 1 -> 2 at the fourth (${go.join(', ')})`);
  assert.is(go[1]! - go[0]!, KA, 'a tick apart');
});

test('MinBinSize decides when a shallow bin is full: with 1 the pivot does not redial its second bin-0 peer', () => {
  // leaves A, B at PO 0 and C, D at PO 3: depth 1 (bin 1 is empty); B's link is cut and restored
  const pivotDials = (minBinSize: number) => {
    const w = world(star([0, 0, 3, 3]), { minBinSize, dialHistory: null });
    const dials = watchDials(w);
    w.start();
    w.runUntil(1 * SECOND);
    w.cut(0, 2);
    w.runUntil(2 * SECOND);
    w.uncut(0, 2);
    w.runUntil(20 * SECOND);
    assert.ok(w.isLinked(0, 2), 'B is back (B dials the pivot, its only peer)');
    return dials.filter((d) => d.from === 0 && d.t > 0).length;
  };
  assert.ok(pivotDials(2) > 0, 'MinBinSize 2: bin 0 expects 2 + (1 - 0 - 1) = 2 peers and holds 1');
  assert.is(pivotDials(1), 0, 'MinBinSize 1: bin 0 expects 1 and holds 1');
});

test("ticks are keyed by address: the pivot's dials are the same when lone nodes shift every index", () => {
  const times = (extra: number): Micros[] => {
    const w = world(star([0, 0, 1, 2, 3], 'star', extra));
    const dials = watchDials(w);
    w.start();
    w.stop(extra);
    w.runUntil(1 * SECOND);
    w.restart(extra);
    w.runUntil(5 * SECOND);
    return dials.filter((d) => d.from === extra && d.t > 0).map((d) => d.t);
  };
  assert.equal(times(3), times(0));
  assert.is(times(0).length, 5);
});

test('a run with a node down for good still ends quiescent once no dial can connect', () => {
  const w = world(star([0, 1, 2]));
  w.start();
  w.runUntil(1 * SECOND);
  w.stop(3);
  assert.ok(w.runUntilQuiescent(3600 * SECOND), 'quiescent');
  assert.ok(w.now < 2 * SECOND, `it ended at ${w.now} µs, not at the time limit`);
  assert.is(w.linkCount(), 2);
});

test.run();
