import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { UsageError } from '../../src/core/errors.js';

/** The repository root (tests run from dist/test/, two levels below it). */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const CLI = join(ROOT, 'dist/src/cli.js');

export interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a program in `cwd` (no colours) and collects its exit code and output. */
function collect(command: string, args: string[], cwd: string): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const p = spawn(command, args, { cwd, env: { ...process.env, FORCE_COLOR: '0' } });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('error', reject);
    p.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Runs the built CLI in `cwd` and collects its exit code and output. */
export function runCli(args: string[], cwd: string): Promise<Exit> {
  return collect(process.execPath, [CLI, ...args], cwd);
}

/** Runs a shell command line in `cwd`: for printed commands, run as a user would paste them. */
export function runShell(line: string, cwd: string): Promise<Exit> {
  return collect('/bin/sh', ['-c', line], cwd);
}

/** The UsageError that `fn` throws; fails the test if it throws nothing or something else. */
export function usageError(fn: () => unknown): UsageError {
  try {
    fn();
  } catch (e) {
    assert.instance(e, UsageError, `expected a UsageError, got ${String(e)}`);
    return e as UsageError;
  }
  assert.unreachable('no error was thrown');
  throw new Error('unreachable');
}
