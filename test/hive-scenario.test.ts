/**
 * The scenario's `hive` section: every key reaches the world, the defaults are the Go client's, contradictions are
 * one-line UsageErrors, "simple" (the default) runs exactly as before the section existed, and "go" runs the same
 * twice on a seed and differently from "simple".
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { SECOND } from '../src/core/units.js';
import { configHash } from '../src/report/result.js';
import { HIVE_DEFAULTS } from '../src/scenario/hive-schema.js';
import { runScenario, worldOptions } from '../src/scenario/runner.js';
import { parseScenario, type Scenario } from '../src/scenario/schema.js';
import { loadSnapshot } from '../src/topology/snapshot.js';
import { ROOT, usageError } from './helpers/process.js';

const net16 = loadSnapshot(join(ROOT, 'snapshots/generated-16.json'));

/** 16 nodes, 40 chunks; node 3 stops at 1 s and starts again at 3 s. */
function scenario(more: Record<string, unknown> = {}): Scenario {
  const events = [
    { at: '0s', upload: { node: 0, chunks: 40 } },
    { at: '1s', stop: { node: 3 } },
    { at: '3s', start: { node: 3 } },
  ];
  return parseScenario({ pullsim: 1, topology: { snapshot: 'in-memory' }, events, ...more }, 'hive.json', 'hive');
}

test('without a hive section the hive is the simple one, and the Go parameters are the Go client\'s', () => {
  const s = scenario();
  assert.equal(s.hive, { model: 'simple', keepAlive: 500_000, retryInterval: 4_200_000, retryExponent: 2, retryJitter: 0, maxRetries: 42, minBinSize: 2, dialHistory: 35 * SECOND });
  assert.is(worldOptions(s, false).hive, undefined, 'the world gets no go hive');
  assert.equal(scenario({ hive: { model: 'go' } }).hive, { ...HIVE_DEFAULTS, model: 'go' });
});

test("every key of the go hive reaches the world's options", () => {
  const set = { keepAlive: ['200ms', 200_000], retryInterval: ['1s', SECOND], retryExponent: [3, 3], retryJitter: [0.15, 0.15], maxRetries: [5, 5], minBinSize: [3, 3], dialHistory: [null, null] } as const;
  for (const [key, [written, value]] of Object.entries(set)) {
    const hive = worldOptions(scenario({ hive: { model: 'go', [key]: written } }), false).hive;
    assert.ok(hive, `${key}: a go hive`);
    assert.is(hive[key as keyof typeof hive], value, key);
  }
  assert.is(worldOptions(scenario({ hive: { model: 'go' }, protocol: { neighbourhoodSize: 3 } }), false).hive?.neighbourhoodSize, 3, 'the protocol\'s neighbourhood size');
});

test('contradictions are usage errors naming the key', () => {
  const cases: [Record<string, unknown>, string, RegExp][] = [
    [{ hive: { model: 'go' }, protocol: { redialDelay: null } }, '$.hive.model', /no hive at all/],
    [{ hive: { model: 'go' }, protocol: { redialDelay: '150ms' } }, '$.protocol.redialDelay', /own schedule/],
    [{ hive: { keepAlive: '200ms' } }, '$.hive.keepAlive', /only hive.model "go" uses it/],
    [{ hive: { model: 'simple', dialHistory: null } }, '$.hive.dialHistory', /only hive.model "go"/],
    [{ hive: { model: 'go', keepAlive: '0s' } }, '$.hive.keepAlive', /above 0/],
    [{ hive: { model: 'go', retryExponent: 1 } }, '$.hive.retryExponent', /from 2 to 16/],
    [{ hive: { model: 'go', retryJitter: 0.9 } }, '$.hive.retryJitter', /from 0 to 0.5/],
  ];
  for (const [more, path, message] of cases) {
    const e = usageError(() => scenario(more));
    assert.is(e.path, path, JSON.stringify(more));
    assert.match(e.message, message);
    assert.not.match(e.message, /\n/, 'one line');
  }
});

test('an explicit "simple" hive runs exactly as no hive section: same fingerprint, same config hash', () => {
  const plain = scenario();
  const simple = scenario({ hive: { model: 'simple' } });
  const a = runScenario(plain, net16, { seed: 2, details: false });
  const b = runScenario(simple, net16, { seed: 2, details: false });
  assert.is(b.fingerprint, a.fingerprint);
  assert.is(configHash(simple, net16), configHash(plain, net16));
  assert.ok(a.verdict.pass);
});

test('the go hive runs the same twice on a seed, differently from the simple one, and its config names it', () => {
  const go = scenario({ hive: { model: 'go' } });
  const a = runScenario(go, net16, { seed: 2, details: false });
  const b = runScenario(go, net16, { seed: 2, details: false });
  const simple = runScenario(scenario(), net16, { seed: 2, details: false });
  assert.is(b.fingerprint, a.fingerprint);
  assert.is.not(a.fingerprint, simple.fingerprint);
  assert.is.not(configHash(go, net16), configHash(scenario(), net16));
  assert.ok(a.verdict.pass, a.verdict.violations.map((v) => v.detail).join('; '));
  const keepAlive = runScenario(scenario({ hive: { model: 'go', keepAlive: '200ms' } }), net16, { seed: 2, details: false });
  assert.is.not(keepAlive.fingerprint, a.fingerprint, 'another tick changes the run');
});

test.run();
