/**
 * Where the command line's text goes: stdout and stderr, unless a caller captures it (the bad-input suite runs
 * the CLI in-process, hundreds of times, and reads what it printed).
 */
export interface Io {
  out(text: string): void;
  err(text: string): void;
}

const std: Io = {
  out: (t) => void process.stdout.write(`${t}\n`),
  err: (t) => void process.stderr.write(`${t}\n`),
};
let io: Io = std;

export const out = (text: string): void => io.out(text);
export const err = (text: string): void => io.err(text);

/** Sends the CLI's text to `next` (undefined: back to stdout/stderr); returns the previous destination. */
export function redirectIo(next: Io | undefined): Io {
  const prev = io;
  io = next ?? std;
  return prev;
}
