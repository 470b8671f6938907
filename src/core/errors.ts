/**
 * Bad user input: a file, a path inside it (JSON path or CLI flag) and what was expected.
 * Caught only by the CLI, which prints `message` on one line and exits 2.
 */
export class UsageError extends Error {
  constructor(
    readonly file: string,
    readonly path: string,
    readonly expected: string,
    readonly got?: string,
  ) {
    super(`${file}: ${path}: expected ${expected}${got === undefined ? '' : `, got ${got}`}`);
    this.name = 'UsageError';
  }
}

/** A broken invariant inside pullsim: a bug, never a simulated condition. */
export function assert(cond: unknown, what: string): asserts cond {
  if (!cond) throw new Error(`assertion failed: ${what}`);
}

/** A short, printable rendering of a JSON value for error messages. */
export function show(v: unknown): string {
  // JSON.parse reads 1e999 as Infinity, which JSON.stringify would print as null
  if (typeof v === 'number' && !Number.isFinite(v)) return `${v} (a number beyond what JSON numbers can hold)`;
  const s = JSON.stringify(v);
  if (s === undefined) return String(v);
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}
