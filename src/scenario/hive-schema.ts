import { formatMicros, type Micros } from '../core/units.js';
import type { HiveParams } from '../sim/hive.js';
import { custom, fail, int, nullable, object, oneOf, optional } from './spec.js';
import { positiveDuration } from './values.js';

/** The scenario's `hive` section, resolved: which hive redials, and the Go hive's parameters (used by "go" only). */
export interface HiveOptions extends Omit<HiveParams, 'neighbourhoodSize'> {
  /** "simple": one redial protocol.redialDelay after a protocol drop, restarts and heals reconnect at once; "go": hive.ts */
  model: 'simple' | 'go';
}

/**
 * The Go client's values. keepAlive: NewHiveParams' 500 ms, as the protocol's defaults are the production client's
 * (the Go simulations set 200 ms, as they set SyncInitBackoff 0). retryJitter: Go writes +-15%, but computes it in
 * int64 on a divisor of 2, where it truncates to 0. dialHistory: go-ethereum 1.9.2's dialHistoryExpiration.
 */
export const HIVE_DEFAULTS: HiveOptions = {
  model: 'simple',
  keepAlive: 500_000,
  retryInterval: 4_200_000,
  retryExponent: 2,
  retryJitter: 0,
  maxRetries: 42,
  minBinSize: 2,
  dialHistory: 35_000_000,
};

const GO_KEYS = ['keepAlive', 'retryInterval', 'retryExponent', 'retryJitter', 'maxRetries', 'minBinSize', 'dialHistory'] as const;

/** The `hive` object's spec. */
export function hiveSpec() {
  const positive = positiveDuration;
  const jitter = custom('a number from 0 to 0.5', (v, path, file) => (typeof v === 'number' && v >= 0 && v <= 0.5 ? v : fail(file, path, 'a number from 0 to 0.5', v)), 0.15, [{ value: -0.1 }, { value: 0.6 }, { value: '0.15' }, { value: null }]);
  const d = (k: keyof HiveOptions) => `"${formatMicros(HIVE_DEFAULTS[k] as number)}"`;
  return object(
    {
      model: optional(oneOf(['simple', 'go'] as const), 'which hive redials: "simple" or "go" (the Go client\'s; the keys below are its)', HIVE_DEFAULTS.model),
      keepAlive: optional(positive, "KeepAliveInterval: each node's hive dials at most one peer per tick", undefined, `${d('keepAlive')} (the Go simulations: "200ms")`),
      retryInterval: optional(positive, 'RetryInterval: a known peer is callable again this long after it was last seen, then at doubling waits', undefined, d('retryInterval')),
      retryExponent: optional(int(2, 16), "RetryExponent: the divisor of callable's loop", undefined, String(HIVE_DEFAULTS.retryExponent)),
      retryJitter: optional(jitter, "callable's divisor drawn in exponent * (1 +- this) per call (Go's +-15% truncates to 0)", undefined, String(HIVE_DEFAULTS.retryJitter)),
      maxRetries: optional(int(0, 1000), 'MaxRetries: a peer dialled this many times more is not dialled again', undefined, String(HIVE_DEFAULTS.maxRetries)),
      minBinSize: optional(int(1, 16), 'MinBinSize: peers a bin far from the neighbourhood should hold', undefined, String(HIVE_DEFAULTS.minBinSize)),
      dialHistory: optional(nullable(positive), "the p2p server's dial history: no redial of a peer dialled in the last this long, and static peers redialled when it expires; null = the hive alone", undefined, d('dialHistory')),
    },
    'an object of hive settings',
  );
}

type ParsedHive = { model: 'simple' | 'go' } & { [K in (typeof GO_KEYS)[number]]: HiveOptions[K] | undefined };

/**
 * The resolved hive, checked against the protocol section: `protocol.redialDelay: null` means no hive at all (the Go
 * tests built on NewInProc), so it cannot go with "go"; a redialDelay set beside "go" would be ignored, and so would
 * the Go hive's keys beside "simple": each is a UsageError. `raw` is the file's own `hive` and `protocol`.
 */
export function resolveHive(h: ParsedHive | undefined, redialDelay: Micros | null, raw: { hive?: unknown; protocol?: unknown }, file: string): HiveOptions {
  const model = h?.model ?? HIVE_DEFAULTS.model;
  const rawRedial = (raw.protocol as { redialDelay?: unknown } | undefined)?.redialDelay;
  if (model === 'go' && redialDelay === null) fail(file, '$.hive.model', '"simple" (protocol.redialDelay is null: no hive at all, as in the Go tests built on NewInProc)', 'go');
  if (model === 'go' && rawRedial !== undefined) fail(file, '$.protocol.redialDelay', 'no value, or null (with hive.model "go" the hive redials on its own schedule)', rawRedial);
  const out: HiveOptions = { ...HIVE_DEFAULTS, model };
  for (const k of GO_KEYS) {
    const v = h?.[k];
    if (v === undefined) continue;
    if (model === 'simple') fail(file, `$.hive.${k}`, 'no value (only hive.model "go" uses it)', (raw.hive as Record<string, unknown>)[k]);
    (out as unknown as Record<string, unknown>)[k] = v;
  }
  return out;
}
