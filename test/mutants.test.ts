import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const root = fileURLToPath(new URL('../../', import.meta.url));
const cli = join(root, 'dist/src/cli.js');

interface Row { name: string; caught: boolean; expectCaught: boolean; property: string | null; firstSeed: number | null; reproduce: string | null }

test('every mutant is caught on seed 1 while the unmutated protocol stays clean on it', () => {
  const r = spawnSync(process.execPath, [cli, 'mutants', '--seeds', '1', '--json'], { cwd: root, encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { mutants: Row[]; baselineClean: boolean };
  assert.ok(out.baselineClean, 'the unmutated protocol passes every mutant scenario');
  const names = out.mutants.map((m) => m.name);
  for (const n of ['B1', 'B2', '1952', '2095', '2107', 'L1', 'L2', 'L3', '1972', 'L6', 'race']) assert.ok(names.includes(n), n);
  for (const n of ['bee-3700', 'bee-3643', 'bee-4290', 'bee-4337', 'bee-4443', 'bee-3444']) assert.ok(names.includes(n), `${n}: Bee's mutants are listed beside stream!'s`);
  for (const m of out.mutants) {
    assert.is(m.caught, m.expectCaught, `${m.name}: caught ${m.caught}`);
    if (m.caught) {
      assert.is(m.firstSeed, 1);
      assert.ok(m.property && m.property.length > 0, `${m.name} names the property that caught it`);
      assert.match(m.reproduce ?? '', new RegExp(`--seed 1 --mutant ${m.name}$`));
    }
  }
});

test('the reproduce line of a caught mutant fails again with exit 1, and without the mutant passes', () => {
  const args = ['run', 'scenarios/mutants/leaf-oscillation.json', '--seed', '1', '--out', join(root, 'reports', '.test-mutant')];
  const mutated = spawnSync(process.execPath, [cli, ...args, '--mutant', 'L2', '--json'], { cwd: root, encoding: 'utf8' });
  assert.is(mutated.status, 1, mutated.stderr);
  const summary = JSON.parse(mutated.stdout) as { violations: { kind: string }[]; reproduce: string };
  assert.ok(summary.violations.some((v) => v.kind === 'missing'));
  assert.match(summary.reproduce, /--mutant L2$/);
  const clean = spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: 'utf8' });
  assert.is(clean.status, 0, clean.stdout);
});

test('an unknown mutant name is bad input: exit 2 and one line', () => {
  const r = spawnSync(process.execPath, [cli, 'run', 'scenarios/mutants/leaf-oscillation.json', '--mutant', 'B9'], { cwd: root, encoding: 'utf8' });
  assert.is(r.status, 2);
  assert.is(r.stderr.trim().split('\n').length, 1);
  assert.match(r.stderr, /--mutant: expected one of B1, B2/);
});

test.run();
