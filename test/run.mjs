// Builds, runs every dist/test/**/*.test.js with uvu, and ends with one plain line "N passed, N failed, N skipped".
// Exits non-zero on any failure, on a build error, or when no test ran at all.
import { spawnSync } from 'node:child_process';
import { chmodSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tsc = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', root], { stdio: 'inherit' });
if (tsc.status !== 0) {
  console.log('0 passed, 1 failed, 0 skipped');
  console.error('build failed: see the compiler errors above');
  process.exit(1);
}
// the CLI is the package's bin: keep it executable after every build (npx pullsim runs it directly)
chmodSync(join(root, 'dist/src/cli.js'), 0o755);
// an argument narrows the test files to those whose path matches it (compiled tests only, not their .d.ts)
const pattern = process.argv[2] ? `^(?=.*(?:${process.argv[2]})).*\\.test\\.js$` : '\\.test\\.js$';
const args = [join(root, 'node_modules/uvu/bin.js'), join(root, 'dist/test'), pattern];
if (process.env.CI || !process.stdout.isTTY) args.push('--no-color');
const run = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20, env: process.env });
process.stdout.write(run.stdout ?? '');
process.stderr.write(run.stderr ?? '');
const plain = (run.stdout ?? '').replace(/\x1b\[[0-9;]*m/g, '');
const num = (label) => Number((new RegExp(`${label}:\\s+(\\d+)`).exec(plain) ?? [])[1] ?? NaN);
const total = num('Total');
const passed = num('Passed');
const skipped = num('Skipped') || 0;
if (!Number.isFinite(total) || !Number.isFinite(passed)) {
  console.log(`0 passed, 1 failed, 0 skipped`);
  console.error(`uvu ended without a summary (exit ${run.status}, signal ${run.signal})`);
  process.exit(1);
}
// uvu counts skipped tests apart: Total = tests that ran, Passed = those that passed
const failLines = (plain.match(/^\s*FAIL\s+"/gm) ?? []).length;
const failed = Math.max(total - passed, failLines, run.status === 0 ? 0 : 1);
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
if (total === 0) console.error('no test ran: a test file without test.run(), or an empty test folder?');
process.exit(failed > 0 || total === 0 || run.status !== 0 ? 1 : 0);
