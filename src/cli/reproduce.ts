import { relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The built CLI (dist/src/cli.js): what a reproduce line on the terminal runs. */
const CLI = fileURLToPath(new URL('../cli.js', import.meta.url));

/** A path as files meant to travel keep it: relative to the working folder, with forward slashes. */
export function portablePath(file: string): string {
  const r = relative(process.cwd(), resolve(file));
  return r === '' ? '.' : r.split(sep).join('/');
}

const quote = (s: string): string => (/^[A-Za-z0-9_./:=@%+,-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/** The flags that make a run what it was, after the scenario path. */
export interface RunFlags {
  seed: number;
  mutant?: string | undefined;
  swarm?: boolean | undefined;
}

const flags = (f: RunFlags): string => ` --seed ${f.seed}${f.mutant ? ` --mutant ${quote(f.mutant)}` : ''}${f.swarm ? ' --swarm' : ''}`;

/** `node /abs/dist/src/cli.js run /abs/scenario.json --seed N ...`: works from any folder of this machine. */
export function terminalLine(file: string, f: RunFlags): string {
  return `node ${quote(CLI)} run ${quote(resolve(file))}${flags(f)}`;
}

/** `pullsim run <relative path> --seed N ...`: the form result files and reports keep. */
export function portableLine(file: string, f: RunFlags): string {
  return `pullsim run ${quote(portablePath(file))}${flags(f)}`;
}
