import { closeSync, openSync, readSync } from 'node:fs';
import { UsageError } from '../core/errors.js';
import { narrow, type TraceHeader, type TraceRecord } from '../scenario/trace-format.js';

const CHUNK = 1 << 20;

/** The lines of a file, read a megabyte at a time (a trace may be larger than the longest string V8 makes). */
function* lines(file: string): Generator<string> {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(CHUNK);
    let rest = '';
    for (;;) {
      const n = readSync(fd, buf, 0, CHUNK, null);
      if (n === 0) break;
      const parts = (rest + buf.toString('utf8', 0, n)).split('\n');
      rest = parts.pop()!;
      yield* parts;
    }
    if (rest !== '') yield rest;
  } finally {
    closeSync(fd);
  }
}

/** A trace file's header line, checked; undefined when the file does not start like a pullsim trace of this format. */
export function readTraceHeader(file: string): TraceHeader | undefined {
  for (const line of lines(file)) {
    try {
      const h = JSON.parse(line) as Partial<TraceHeader>;
      const ok = h.pullsim === 1 && h.kind === 'trace' && h.format === 1 && typeof h.fingerprint === 'string' && Array.isArray(h.nodes) && typeof h.end === 'number';
      return ok ? (h as TraceHeader) : undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** The records of a trace file, checked to be records (a line that is not is a UsageError naming it). */
function* records(file: string): Generator<TraceRecord> {
  let n = 0;
  for (const line of lines(file)) {
    if (n++ === 0 || line === '') continue;
    let r: TraceRecord;
    try {
      r = JSON.parse(line) as TraceRecord;
    } catch (e) {
      throw new UsageError(file, `line ${n}`, 'a trace record (docs/trace.md)', (e as Error).message.split('\n')[0]);
    }
    if (typeof r !== 'object' || r === null || typeof r.t !== 'number' || typeof r.ev !== 'string') throw new UsageError(file, `line ${n}`, 'a trace record with "t" and "ev" (docs/trace.md)', line.slice(0, 40));
    yield r;
  }
}

/** A trace file's records that `focus` keeps (see `narrow`), in the file's order. */
export function readTraceRecords(file: string, focus: { nodes: number[]; chunks: string[] }): TraceRecord[] {
  return narrow(records(file), focus);
}
