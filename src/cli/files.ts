import { closeSync, mkdirSync, mkdtempSync, openSync, readdirSync, readSync, realpathSync, renameSync, rmSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, parse, resolve, sep } from 'node:path';
import { UsageError } from '../core/errors.js';

/**
 * Everything pullsim writes goes through here. Before any long work, a target is checked (`checkFile`,
 * `checkFolder`): it must lie on a regular file system, every folder above it must be a folder (or not exist yet),
 * the deepest existing one must take a new file, and a file already there is replaced only when it is a pullsim
 * output of the same kind (recognised by its first bytes), or with --force. Writing (`writeFile`) goes to a
 * temporary file beside the target, renamed into place; temporary files that a killed pullsim left behind are
 * removed; when writing fails after the work is done, the output is saved elsewhere and the error names where.
 */
export type OutputKind = 'result' | 'trace' | 'page' | 'sweep' | 'snapshot' | 'baseline' | 'junit' | 'story' | 'scenario';

const KINDS: Record<OutputKind, { what: string; sniff: RegExp }> = {
  result: { what: 'a pullsim result.json', sniff: /^\{"pullsim":1,"scenario":/ },
  trace: { what: 'a pullsim trace', sniff: /^\{"pullsim":1,"kind":"trace"|^\{"i":0,"t":/ },
  page: { what: 'a pullsim HTML page', sniff: /<meta name="generator" content="pullsim"|<footer>pullsim report/ },
  sweep: { what: 'a pullsim sweep summary', sniff: /^\{\s*"pullsim":\s*1,\s*"kind":\s*"sweep"/ },
  snapshot: { what: 'a snapshot pullsim generated', sniff: /pullsim K\u039b\u00d0\u039eMLI\u039b hive/ },
  baseline: { what: 'a pullsim gate baseline', sniff: /^\{\s*"pullsim":\s*1,\s*"kind":\s*"gate-baseline"/ },
  junit: { what: 'a pullsim JUnit report', sniff: /^<\?xml[^>]*>\s*<testsuites name="pullsim/ },
  story: { what: 'a pullsim story diagram', sniff: /<svg[^>]*data-generator="pullsim"/ },
  scenario: { what: 'a scenario pullsim shrink wrote', sniff: /^\{\s*"pullsim":\s*1,\s*"shrunk":/ },
};

/** Folders no output may go into (virtual file systems; Node's recursive mkdir never returns under /proc). */
const SPECIAL = ['/proc', '/sys', '/dev'];
const SNIFF_BYTES = 8192;

export interface Target {
  /** the flag (or "argument") that named the path, for error messages */
  flag: string;
  /** replace a file even when it is not a pullsim output of this kind */
  force?: boolean;
}

const err = (t: Target, path: string, expected: string, got: string) => new UsageError('command line', t.flag, `${expected}`, `${JSON.stringify(path)} (${got})`);

/** The deepest existing folder on the way to `path` (checking that nothing but folders lies on the way). */
function deepestFolder(path: string, t: Target, shown: string): string {
  const abs = resolve(path);
  const root = parse(abs).root;
  const parts = abs.slice(root.length).split(sep).filter(Boolean);
  for (const p of parts) if (Buffer.byteLength(p) > 255) throw err(t, shown, 'a path whose names are at most 255 bytes long', `${p.slice(0, 20)}... is ${Buffer.byteLength(p)} bytes`);
  if (abs.length > 4000) throw err(t, shown, 'a path of at most 4000 characters', `${abs.length}`);
  let dir = root;
  for (let i = 0; i < parts.length - 1; i++) {
    const next = join(dir, parts[i]!);
    let st;
    try {
      st = statSync(next);
    } catch {
      break;
    }
    if (!st.isDirectory()) throw err(t, shown, 'a path whose folders are folders', `${next} is a file`);
    dir = next;
  }
  const real = realpathSync(dir);
  if (SPECIAL.some((s) => real === s || real.startsWith(s + sep))) throw err(t, shown, 'a path on a regular file system (not under /proc, /sys or /dev)', `it lies in ${real}`);
  return dir;
}

/** Creating and removing a file proves the folder takes new files (root's permission bits prove nothing). */
function probe(dir: string, t: Target, shown: string): void {
  const name = join(dir, `.pullsim-probe-${process.pid}`);
  try {
    closeSync(openSync(name, 'wx'));
    unlinkSync(name);
  } catch (e) {
    throw err(t, shown, 'a location pullsim can write to', `${dir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

function head(file: string): string {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(SNIFF_BYTES);
    return buf.subarray(0, readSync(fd, buf, 0, SNIFF_BYTES, 0)).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/** Is `file` a pullsim output of this kind (judged by its first bytes)? */
export function isOutput(file: string, kind: OutputKind): boolean {
  try {
    return statSync(file).isFile() && KINDS[kind].sniff.test(head(file));
  } catch {
    return false;
  }
}

/** Checks, before any work, that `file` can be written as an output of `kind`. Returns the path. */
export function checkFile(file: string, kind: OutputKind, t: Target): string {
  if (file === '') throw err(t, file, 'a file path', 'empty');
  const dir = deepestFolder(file, t, file);
  let st;
  try {
    st = statSync(file);
  } catch {
    st = undefined;
  }
  if (st?.isDirectory()) throw err(t, file, `a file path for ${KINDS[kind].what}`, 'it is a folder');
  if (st && !t.force && !isOutput(file, kind)) throw err(t, file, `a new file, or ${KINDS[kind].what} to replace (--force replaces any file)`, 'an existing file that is not one');
  probe(st ? dirname(resolve(file)) : dir, t, file);
  return file;
}

/** Checks, before any work, that `dir` is (or can become) a folder holding these outputs. */
export function checkFolder(dir: string, files: [name: string, kind: OutputKind][], t: Target): string {
  if (dir === '') throw err(t, dir, 'a folder path', 'empty');
  let st;
  try {
    st = statSync(dir);
  } catch {
    st = undefined;
  }
  if (st && !st.isDirectory()) throw err(t, dir, 'a folder for the outputs', 'it is a file');
  deepestFolder(join(dir, 'x'), t, dir);
  for (const [name, kind] of files) checkFile(join(dir, name), kind, t);
  if (files.length === 0) probe(st ? dir : deepestFolder(join(dir, 'x'), t, dir), t, dir);
  return dir;
}

/** Creates a folder and the missing ones above it, one at a time. */
function makeFolders(dir: string): void {
  const abs = resolve(dir);
  const missing: string[] = [];
  for (let d = abs; ; d = dirname(d)) {
    try {
      if (statSync(d).isDirectory()) break;
    } catch {
      missing.push(d);
    }
    if (dirname(d) === d) break;
  }
  for (const d of missing.reverse()) mkdirSync(d);
}

/** Removes temporary files of this module (and of earlier pullsim versions) whose process is gone. */
function removeStaleTemps(dir: string): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const n of names) {
    const m = /^\..+\.pullsim-(\d+)\.tmp$/.exec(n) ?? /\.tmp-(\d+)$/.exec(n);
    if (!m || alive(Number(m[1]))) continue;
    rmSync(join(dir, n), { force: true });
  }
}

function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Text, or a way to produce it in pieces (called again if the output must be saved elsewhere). */
export type Content = string | (() => Iterable<string>);

function writeTo(file: string, text: Content): void {
  const tmp = join(dirname(file), `.${basename(file)}.pullsim-${process.pid}.tmp`);
  const fd = openSync(tmp, 'w');
  try {
    if (typeof text === 'string') writeSync(fd, text);
    else {
      let buf = '';
      for (const piece of text()) {
        buf += piece;
        if (buf.length >= 1 << 20) writeSync(fd, buf), (buf = '');
      }
      writeSync(fd, buf);
    }
    closeSync(fd);
  } catch (e) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
  renameSync(tmp, file);
}

/**
 * Writes an output (its target checked earlier). If that fails now, the output is saved in a fresh folder under
 * the system's temporary folder and the UsageError says where.
 */
export function writeFile(file: string, text: Content): void {
  try {
    makeFolders(dirname(file));
    removeStaleTemps(dirname(file));
    writeTo(file, text);
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    const rescue = join(mkdtempSync(join(tmpdir(), 'pullsim-rescue-')), basename(file));
    writeTo(rescue, text);
    throw new UsageError(file, '$', 'a file pullsim can write', `${why}; the output was saved as ${rescue}`);
  }
}

/** Removes a pullsim output of this kind that a new run has made stale; true if there was one. */
export function removeStale(file: string, kind: OutputKind): boolean {
  if (!isOutput(file, kind)) return false;
  rmSync(file, { force: true });
  return true;
}
