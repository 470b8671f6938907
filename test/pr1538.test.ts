/**
 * The PR that introduced stream! (protocol.version "pr1538") had neither of HEAD's open-range guards
 * (PROTOCOL.md §0.1): its client asks for a second range of a stream while one is open, and its server answers
 * both. HEAD's client skips the second request and HEAD's server ignores one that reaches it.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Verdict } from '../src/check/verdict.js';
import { SECOND } from '../src/core/units.js';
import { textKey } from '../src/core/keyed.js';
import { LIVE, MsgType, type Message } from '../src/protocol/stream/messages.js';
import type { Mutant, ProtocolVersion } from '../src/protocol/stream/options.js';
import { loadScenario } from '../src/scenario/loader.js';
import { runScenario } from '../src/scenario/runner.js';
import { chunkPO, makeWorld, pair, randomTopology } from './helpers/net.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLIENT = 0;
const SERVER = 1;

/**
 * Two nodes settle with a live range of bin 0 parked at the server; then the client asks for that live range
 * once more and the server's bin 0 gets a chunk. Counts the GetRanges the second request put on the wire and
 * the offers of bin 0 that followed.
 */
function secondLiveRange(version: ProtocolVersion, mutants: Mutant[] = []): { getRanges: number; offers: number } {
  const world = makeWorld(randomTopology(2, 'guards', pair()), 'guards', { protocol: { version, mutants } });
  let getRanges = 0;
  let offers = 0;
  world.observe({
    sent: (from, _to, wire) => {
      const m = wire as Message;
      if (from === CLIENT && m.type === MsgType.GetRange && m.bin === 0) getRanges++;
      if (from === SERVER && m.type === MsgType.OfferedHashes && m.hashes.length > 0) offers++;
    },
  });
  world.start();
  assert.ok(world.runUntilQuiescent(world.now + 10 * SECOND), 'the two nodes settle');
  const peer = world.nodes[CLIENT]!.peers.get(SERVER)!;
  assert.is(peer.cursor(0), 0, 'the client is subscribed to bin 0, which is empty');
  const before = getRanges;
  world.nodes[CLIENT]!.client.request(peer, 0, 1, LIVE, true);
  const sent = getRanges - before;
  const chunk = world.newChunks(textKey('pr1538 probe'), 64).find((c) => chunkPO(world, c, SERVER) === 0)!;
  world.upload(SERVER, chunk);
  world.runUntil(world.now + 30 * SECOND);
  return { getRanges: sent, offers };
}

test("HEAD's client does not send a second live GetRange while one is open", () => {
  assert.equal(secondLiveRange('head'), { getRanges: 0, offers: 1 });
});

test("HEAD's server ignores a second live GetRange that reaches it (the client's guard switched off by #2107)", () => {
  assert.equal(secondLiveRange('head', ['2107']), { getRanges: 1, offers: 1 });
});

test('the PR sends the second live GetRange and its server offers the new chunk on both ranges', () => {
  assert.equal(secondLiveRange('pr1538'), { getRanges: 1, offers: 2 });
});

/** How many violations of a kind the verdict counted (listed ones, or the count past the list's cap). */
function count(v: Verdict, kind: string): number {
  return v.truncated[kind as keyof Verdict['truncated']] ?? v.violations.filter((x) => x.kind === kind).length;
}

test('on depth-oscillation-64 the PR starts overlapping chains (range violations, C7); HEAD starts none', () => {
  const headFile = join(ROOT, 'scenarios/depth-oscillation-64.json');
  const prFile = join(ROOT, 'scenarios/findings/depth-oscillation-64-pr1538.json');
  const raw = (f: string) => JSON.parse(readFileSync(f, 'utf8')) as Record<string, unknown>;
  const [h, p] = [raw(headFile), raw(prFile)];
  assert.equal([p.seed, p.links, p.events, p.protocol], [h.seed, h.links, h.events, { version: 'pr1538' }], 'the same scenario but for the version');

  const run = (file: string) => {
    const { scenario, topology } = loadScenario(file);
    return runScenario(scenario, topology, { seed: scenario.seed }).verdict;
  };
  const head = run(headFile);
  const pr = run(prFile);
  assert.ok(head.pass, 'HEAD passes');
  assert.is(count(head, 'range'), 0, 'HEAD: no range violation');
  assert.ok(count(pr, 'range') > 0, `the PR: ${count(pr, 'range')} range violations`);
  assert.is(pr.aorHeld, pr.aorPairs, 'the PR still replicates every area of responsibility');
  const kinds = new Set(pr.violations.map((v) => v.kind));
  assert.equal([...kinds].sort(), ['duplicate', 'exclusion', 'range'], 'the PR fails on range and exclusion (duplicates are listed, within the bound)');
  assert.ok(pr.duplicates <= 20_000);
});

test.run();
