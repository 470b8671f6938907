import { formatMicros, parseBandwidth, parseDuration, type Micros } from '../core/units.js';
import type { Latency } from '../net/links.js';
import { custom, fail, int, str, textual, type Spec } from './spec.js';
import type { NodeRef } from './schema.js';

// The value specs the scenario schema's keys are made of (schema.ts): durations, bandwidths, latencies, node
// references, churn rates and downtimes, chunk ranges and addresses.

export const duration = textual<Micros>('a duration such as "250ms", "2s" or "1m" (us, ms, s, m, h; not negative)', parseDuration, '1s', ['5', '-1s', '1 sec', '1y']);
/** A duration above 0 (a period or a timeout: 0 would never let time move on). */
const POSITIVE = `${duration.expected.replace(/; not negative\)$/, ')')} above 0`;
export const positiveDuration: Spec<Micros> = custom<Micros>(
  POSITIVE,
  (v, path, file) => {
    const d = duration.parse(v, path, file);
    return d > 0 ? d : fail(file, path, POSITIVE, v);
  },
  '1s',
  [...duration.bad(), { value: '0s' }],
);
/** A duration as a scenario file writes it, for a key's documented default: "250ms". */
export const durationDefault = (x: Micros): string => `"${formatMicros(x)}"`;
export const bandwidth = textual<number>('a bandwidth such as "10MB/s" (B/s, KB/s, MB/s, GB/s, KiB/s, MiB/s, GiB/s) or "unlimited"', parseBandwidth, '1MB/s', ['10 mbps', '0MB/s', '-1MB/s']);
export const NAME = /^(?!\.\.?$)[A-Za-z0-9._-]{1,100}$/;
export const name = str('a name of 1 to 100 letters, digits, ".", "_" or "-" (not "." or "..")', NAME, [{ value: '..' }, { value: '.' }, { value: 'a/b' }, { value: 'x'.repeat(300) }, { value: '' }]);

export const latency: Spec<Latency> = custom(
  'a duration such as "20ms" or {"uniform": ["5ms", "50ms"]}',
  (v, path, file) => {
    if (typeof v === 'string') return { constant: duration.parse(v, path, file) };
    const o = v as Record<string, unknown>;
    if (typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(o).length === 1 && Array.isArray(o.uniform) && o.uniform.length === 2) {
      const lo = duration.parse(o.uniform[0], `${path}.uniform[0]`, file);
      const hi = duration.parse(o.uniform[1], `${path}.uniform[1]`, file);
      if (hi < lo) fail(file, `${path}.uniform[1]`, `at least uniform[0] (${String(o.uniform[0])})`, o.uniform[1]);
      return { uniform: [lo, hi] };
    }
    return fail(file, path, 'a duration such as "20ms" or {"uniform": ["5ms", "50ms"]}', v);
  },
  '20ms',
  [{ value: '5' }, { value: 20 }, { value: { uniform: ['50ms', '5ms'] }, at: '.uniform[1]' }, { value: { uniform: ['5ms'] } }, { value: { uniform: ['5ms', 'x'] }, at: '.uniform[1]' }, { value: { constant: '5ms' } }],
);

export const REF_EXPECTED = 'a node index, a unique id hex prefix, or "random"';
export const HEX = /^[0-9a-fA-F]{1,64}$/;
/** A node reference; `random` false: "random" is not allowed (partition groups). */
export const nodeRef = (random = true): Spec<NodeRef> => {
  const expected = random ? REF_EXPECTED : 'a node index or a unique id hex prefix';
  return custom(
    expected,
    (v, path, file) => {
      if (Number.isSafeInteger(v) && (v as number) >= 0) return v as number;
      if ((random && v === 'random') || (typeof v === 'string' && HEX.test(v))) return (v as string).toLowerCase();
      return fail(file, path, expected, v);
    },
    0,
    [{ value: -1 }, { value: 1.5 }, { value: 'xyz' }, { value: true }, { value: null }, ...(random ? [] : [{ value: 'random' }])],
  );
};

/** A rate as "N/s" or "N/m", in events per second (NaN when it is not one). */
export function parseRate(v: unknown): number {
  const m = typeof v === 'string' ? /^(\d+(?:\.\d+)?)\/(s|m)$/.exec(v) : null;
  return m ? Number(m[1]) / (m[2] === 'm' ? 60 : 1) : NaN;
}

export const rate = textual<number>(
  'stops per time such as "0.5/s" or "6/m", above 0 and at most 1000/s',
  (v) => {
    const r = parseRate(v);
    return r > 0 && r <= 1000 ? r : undefined;
  },
  '1/s',
  ['fast', '0/s', '2000/s', '1/h'],
);

export const downtime: Spec<[Micros, Micros]> = custom(
  'a duration or a [MIN, MAX] pair of durations',
  (v, path, file) => {
    if (!Array.isArray(v)) {
      const d = duration.parse(v, path, file);
      return [d, d];
    }
    if (v.length !== 2) return fail(file, path, 'a duration or a [MIN, MAX] pair of durations', v);
    const lo = duration.parse(v[0], `${path}[0]`, file);
    const hi = duration.parse(v[1], `${path}[1]`, file);
    if (hi < lo) fail(file, `${path}[1]`, 'at least downtime[0]', v[1]);
    return [lo, hi];
  },
  '1s',
  [{ value: '5' }, { value: ['1s'] }, { value: ['4s', '1s'], at: '[1]' }, { value: ['1s', 'x'], at: '[1]' }],
);

export const range: Spec<[number, number]> = custom(
  'a [from, to) pair of chunk indexes',
  (v, path, file) => {
    if (!Array.isArray(v) || v.length !== 2) return fail(file, path, 'a [from, to) pair of chunk indexes', v);
    const from = int(0).parse(v[0], `${path}[0]`, file);
    return [from, int(from).parse(v[1], `${path}[1]`, file)];
  },
  [0, 1],
  [{ value: 3 }, { value: [1] }, { value: [-1, 2], at: '[0]' }, { value: [5, 2], at: '[1]' }],
);

/** A chunk address: 64 hex digits (lower case once parsed). */
export const chunkAddress: Spec<string> = custom('a chunk address of 64 hex digits', (v, path, file) => (typeof v === 'string' && /^[0-9a-fA-F]{64}$/.test(v) ? v.toLowerCase() : fail(file, path, 'a chunk address of 64 hex digits', v)), '00'.repeat(32), [{ value: 'ab' }, { value: 'g'.repeat(64) }, { value: 5 }, { value: null }]);
