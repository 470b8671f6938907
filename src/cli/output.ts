import { closeSync, mkdirSync, openSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import chalk from 'chalk';

/** Writes a file atomically (temporary file + rename), creating its folder; the text may come in pieces. */
export function writeAtomic(file: string, text: string | Iterable<string>): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  if (typeof text === 'string') writeFileSync(tmp, text);
  else {
    const fd = openSync(tmp, 'w');
    try {
      let buf = '';
      for (const piece of text) {
        buf += piece;
        if (buf.length >= 1 << 20) writeSync(fd, buf), (buf = '');
      }
      writeSync(fd, buf);
    } catch (e) {
      closeSync(fd);
      rmSync(tmp, { force: true });
      throw e;
    }
    closeSync(fd);
  }
  renameSync(tmp, file);
}

/**
 * JSON.stringify(value) in pieces, the same text: the items of long arrays one by one, so a result file larger
 * than the longest string V8 can make (about 512 MiB; a 10k-node run's) can still be written.
 */
export function* jsonPieces(value: unknown): Generator<string> {
  if (Array.isArray(value) && value.length > 1000) {
    yield '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) yield ',';
      // as JSON.stringify does: undefined and functions in an array are null
      yield* jsonPieces(value[i] === undefined || typeof value[i] === 'function' ? null : value[i]);
    }
    yield ']';
    return;
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && !('toJSON' in value)) {
    let first = true;
    yield '{';
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
      yield `${first ? '' : ','}${JSON.stringify(k)}:`;
      first = false;
      yield* jsonPieces(v);
    }
    yield '}';
    return;
  }
  yield JSON.stringify(value);
}

export const ok = (s: string) => chalk.green(s);
export const bad = (s: string) => chalk.red(s);
export const dim = (s: string) => chalk.dim(s);
export const warn = (s: string) => chalk.yellow(s);
export const bold = (s: string) => chalk.bold(s);

/** A progress line that rewrites itself, on a TTY only. */
export class Progress {
  private readonly tty = Boolean(process.stderr.isTTY);
  private last = '';
  update(line: string): void {
    if (!this.tty || line === this.last) return;
    this.last = line;
    process.stderr.write(`\r\x1b[2K${line}`);
  }
  done(): void {
    if (this.tty && this.last) process.stderr.write('\r\x1b[2K');
  }
}

export function fmtInt(n: number): string {
  return n.toLocaleString('en-US');
}
