import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { loadScenario } from '../src/scenario/loader.js';
import { runScenario, type RunOutcome } from '../src/scenario/runner.js';

function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return dir;
}
const ROOT = repoRoot();

/** Every shipped scenario file: scenarios/*.json, scenarios/ci/*.json and scenarios/runtime/*.json (the CI baseline is not a scenario). */
function scenarioFiles(): string[] {
  const out: string[] = [];
  for (const folder of ['scenarios', 'scenarios/ci', 'scenarios/runtime']) {
    const dir = join(ROOT, folder);
    if (!existsSync(dir)) continue;
    const names = readdirSync(dir).filter((f) => f.endsWith('.json') && f !== 'baseline.json');
    for (const f of names.sort()) out.push(`${folder}/${f}`);
  }
  return out;
}

/** A snapshot outside the repository (../../shared) that is not there: the scenario cannot run on this machine. */
function missingSharedSnapshot(rel: string): string | undefined {
  const json = JSON.parse(readFileSync(join(ROOT, rel), 'utf8')) as { topology?: { snapshot?: unknown } };
  const snapshot = json.topology?.snapshot;
  if (typeof snapshot !== 'string' || !snapshot.includes('shared')) return undefined;
  const path = resolve(dirname(join(ROOT, rel)), snapshot);
  return existsSync(path) ? undefined : path;
}

const files = scenarioFiles();

/** What a scenario's description promises beyond its verdict, checked on the same run. */
const CLAIMS: Record<string, (o: RunOutcome) => void> = {
  'scenarios/bee-quickstart.json': (o) => {
    const { thresholds: radius, depths } = o.verdict;
    const differ = radius.filter((r, i) => r !== depths[i]).length;
    assert.ok(differ > 0, "some node's storage radius differs from its Kademlia depth");
    assert.ok((o.checks.metrics.evicted ?? 0) > 0 && (o.checks.metrics.radiusUp ?? 0) > 0, 'reserves overflowed: chunks evicted, radius raised');
    assert.is(o.checks.metrics.radiusDown, 0, 'and no radius fell back (no oscillation)');
  },
};

test('the repository ships scenario files', () => {
  assert.ok(files.length >= 10, `only ${files.length}: ${files.join(', ')}`);
  assert.ok(files.includes('scenarios/quickstart.json'));
});

for (const rel of files) {
  const missing = missingSharedSnapshot(rel);
  if (missing !== undefined) {
    console.warn(`\n  SKIPPED ${rel}: its snapshot ${missing} is missing (the shared folder is not beside this checkout)\n`);
    test.skip(`${rel} loads, runs on its own seed and gets the verdict it expects`, () => {});
    continue;
  }
  test(`${rel} loads, runs on its own seed and gets the verdict it expects`, () => {
    const t0 = performance.now();
    const { scenario, topology } = loadScenario(join(ROOT, rel));
    const o = runScenario(scenario, topology, { seed: scenario.seed });
    const ms = Math.round(performance.now() - t0);
    const verdict = o.verdict.pass ? 'pass' : 'fail';
    console.log(`  ${rel}: ${verdict} (expected ${scenario.expect.verdict}), seed ${o.seed}, ${o.world.engine.processed} events, ${o.verdict.duplicates} duplicates, ${ms} ms`);
    const why = o.verdict.violations.slice(0, 5).map((v) => `${v.kind} node ${v.node ?? '-'}: ${v.detail}`);
    assert.ok(o.expectationMet, `${rel}: verdict ${verdict}, expected ${scenario.expect.verdict}\n    ${why.join('\n    ')}`);
    CLAIMS[rel]?.(o);
  });
}

test.run();
