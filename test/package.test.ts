import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './helpers/process.js';

// pullsim as a library, the way another project gets it: the package packed with `npm pack`, the tarball installed
// in a scratch project, a scenario run through the typed API, and the API's declarations type-checked.

const SCRATCH = mkdtempSync(join(tmpdir(), 'pullsim-package-'));
const sh = (cmd: string, args: string[], cwd: string) => {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' } });
  return { code: r.status, out: `${r.stdout ?? ''}${r.stderr ?? ''}` };
};

/** The CI suite's head-16 seed 1 fingerprint, as the gate's baseline records it. */
const BASELINE = JSON.parse(readFileSync(join(ROOT, 'scenarios/ci/baseline.json'), 'utf8')) as { scenarios: Record<string, { seeds: Record<string, { fingerprint: string }> }> };
const HEAD16 = BASELINE.scenarios['head-16.json']!.seeds['1']!.fingerprint;

test('the packed package installs elsewhere and runs a scenario through its typed API', () => {
  const pack = sh('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', SCRATCH], ROOT);
  assert.is(pack.code, 0, pack.out);
  const tarball = readdirSync(SCRATCH).find((f) => f.endsWith('.tgz'));
  assert.ok(tarball, `no tarball in ${readdirSync(SCRATCH).join(', ')}`);
  const project = join(SCRATCH, 'project');
  spawnSync('mkdir', [project]);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'uses-pullsim', private: true, type: 'module' }));
  const install = sh('npm', ['install', '--prefer-offline', '--no-package-lock', join(SCRATCH, tarball!)], project);
  assert.is(install.code, 0, install.out);

  writeFileSync(
    join(project, 'use.ts'),
    `import { loadScenario, runScenario, writeRunReport, type Outcome, type ResultJson, type Verdict } from 'pullsim';
const loaded = await loadScenario('node_modules/pullsim/scenarios/ci/head-16.json');
const outcome: Outcome = await runScenario(loaded);
const verdict: Verdict = outcome.verdict;
const result: ResultJson = outcome.result;
const page: string = await writeRunReport('report', result);
console.log(JSON.stringify({ pass: outcome.pass, met: outcome.expectationMet, fingerprint: outcome.fingerprint, pairs: verdict.aorPairs, held: result.metrics.aorHeld, page }));
`,
  );
  writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, types: [], skipLibCheck: false, outDir: 'out' }, files: ['use.ts'] }));
  const tsc = sh(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', project], project);
  assert.is(tsc.code, 0, `the API's declarations type-check in a user's strict project:\n${tsc.out}`);

  const used = sh(process.execPath, ['out/use.js'], project);
  assert.is(used.code, 0, used.out);
  const line = JSON.parse(used.out.trim().split('\n').pop()!) as { pass: boolean; met: boolean; fingerprint: string; pairs: number; held: number; page: string };
  assert.equal({ pass: line.pass, met: line.met, fingerprint: line.fingerprint }, { pass: true, met: true, fingerprint: HEAD16 }, 'the same run as the CLI gate records');
  assert.ok(line.pairs > 0 && line.held === line.pairs);
  assert.match(readFileSync(join(project, line.page), 'utf8'), /<svg/);
});

test.after(() => rmSync(SCRATCH, { recursive: true, force: true }));

test.run();
