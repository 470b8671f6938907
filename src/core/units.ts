/** Virtual time and durations are integer microseconds. */
export type Micros = number;

export const US = 1;
export const MS = 1000;
export const SECOND = 1_000_000;

const UNIT: Record<string, number> = { us: 1, ms: MS, s: SECOND, m: 60 * SECOND, h: 3600 * SECOND };

/** Parses "250ms", "2s", "1.5m", "0us" into integer micros; returns undefined when malformed or negative. */
export function parseDuration(text: unknown): Micros | undefined {
  if (typeof text !== 'string') return undefined;
  const m = /^(\d+(?:\.\d+)?)(us|ms|s|m|h)$/.exec(text.trim());
  if (!m) return undefined;
  const v = Math.round(Number(m[1]) * UNIT[m[2]!]!);
  return Number.isSafeInteger(v) ? v : undefined;
}

/** A compact human rendering of micros, e.g. 2.5s, 120ms, 7us. */
export function formatMicros(t: Micros): string {
  if (t >= 3600 * SECOND) return `${trim(t / (3600 * SECOND))}h`;
  if (t >= 60 * SECOND) return `${trim(t / (60 * SECOND))}m`;
  if (t >= SECOND) return `${trim(t / SECOND)}s`;
  if (t >= MS) return `${trim(t / MS)}ms`;
  return `${t}us`;
}

function trim(x: number): string {
  return String(Math.round(x * 1000) / 1000);
}

const BW: Record<string, number> = { 'B/s': 1, 'KB/s': 1e3, 'MB/s': 1e6, 'GB/s': 1e9, 'KiB/s': 1024, 'MiB/s': 1024 ** 2, 'GiB/s': 1024 ** 3 };

/** Parses "10MB/s" (also KB/s, GB/s, KiB/s, MiB/s, GiB/s, B/s) into bytes per second; "unlimited" gives Infinity. */
export function parseBandwidth(text: unknown): number | undefined {
  if (typeof text !== 'string') return undefined;
  if (text === 'unlimited') return Infinity;
  const m = /^(\d+(?:\.\d+)?)\s*([KMG]i?B\/s|B\/s)$/.exec(text.trim());
  if (!m) return undefined;
  const v = Number(m[1]) * BW[m[2]!]!;
  return v > 0 ? v : undefined;
}

/**
 * Bytes per second as a scenario writes them: the largest unit that gives a whole number or at most three decimals
 * (200000 -> "200KB/s", 1048576 -> "1MiB/s", 1500000 -> "1.5MB/s"); Infinity -> "unlimited".
 */
export function formatBandwidth(bytesPerSecond: number): string {
  if (bytesPerSecond === Infinity) return 'unlimited';
  const units = Object.entries(BW).sort((a, b) => b[1] - a[1]);
  for (const [name, size] of units) {
    const v = bytesPerSecond / size;
    if (v >= 1 && Math.abs(v * 1000 - Math.round(v * 1000)) < 1e-6) return `${trim(v)}${name}`;
  }
  return `${trim(bytesPerSecond)}B/s`;
}
