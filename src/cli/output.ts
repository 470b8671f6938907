import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import chalk from 'chalk';

/** Writes a file atomically (temporary file + rename), creating its folder. */
export function writeAtomic(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

export const ok = (s: string) => chalk.green(s);
export const bad = (s: string) => chalk.red(s);
export const dim = (s: string) => chalk.dim(s);
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
