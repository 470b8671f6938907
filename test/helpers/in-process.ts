import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { redirectIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';

export interface InProcessExit {
  code: number;
  stdout: string[];
  stderr: string[];
  ms: number;
}

/**
 * The CLI's entry called with argv in this process (working folder `cwd`), its output captured: a few
 * milliseconds a call where spawning a process costs ~0.3 s.
 */
export async function runInProcess(args: string[], cwd: string): Promise<InProcessExit> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const prev = redirectIo({ out: (t) => void stdout.push(t), err: (t) => void stderr.push(t) });
  const home = process.cwd();
  process.chdir(cwd);
  const t0 = performance.now();
  try {
    const code = await main(args);
    return { code, stdout, stderr, ms: performance.now() - t0 };
  } finally {
    process.chdir(home);
    redirectIo(prev);
  }
}

/** Every file and folder under `dir` with its size and modification time: what "nothing written" compares. */
export function tree(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      const st = statSync(p);
      out.push(`${p} ${st.isDirectory() ? 'dir' : `${st.size} ${st.mtimeMs}`}`);
      if (st.isDirectory()) walk(p);
    }
  };
  walk(dir);
  return out;
}
