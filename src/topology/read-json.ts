import { readFileSync, statSync } from 'node:fs';
import { UsageError } from '../core/errors.js';

/** JSON inputs are read whole; V8's longest string is about 512 MiB. */
export const MAX_JSON_BYTES = 512 * 1024 * 1024;

const reason = (e: unknown): string => {
  const code = (e as NodeJS.ErrnoException).code;
  return code === 'ENOENT' ? 'no such file' : code === 'EACCES' || code === 'EPERM' ? 'a file pullsim may not read (permission denied)' : code ?? (e as Error).message;
};

/**
 * Reads a user's JSON file (snapshot, scenario, result, summary). A missing, unreadable, oversized file, a folder
 * or bad JSON is a UsageError naming the file: `what` says what kind of file was expected ("a scenario file").
 */
export function readJsonFile(file: string, what: string): unknown {
  let size: number;
  try {
    const st = statSync(file);
    if (st.isDirectory()) throw new UsageError(file, '$', what, 'a folder');
    size = st.size;
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(file, '$', what, reason(e));
  }
  if (size > MAX_JSON_BYTES) throw new UsageError(file, '$', `${what} of at most 512 MiB (JSON inputs are read whole)`, `${Math.round(size / 2 ** 20)} MiB`);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(file, '$', what, reason(e));
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new UsageError(file, '$', 'valid JSON', (e as Error).message.split('\n')[0]);
  }
}
