import { UsageError, show } from '../core/errors.js';
import type { Micros } from '../core/units.js';
import { BEE_MUTANTS, beeDefaults, type BeeMutant, type BeeOptions } from '../protocol/bee/options.js';
import { protocolDefaults, type LatentDefect, type Mutant, type ProtocolOptions } from '../protocol/stream/options.js';
import { bool, int, oneOf, optional, type Field } from './spec.js';
import { duration, durationDefault, positiveDuration } from './values.js';

// The scenario keys that belong to one protocol, and each protocol's resolved settings: Bee's settings (protocol.*), and which keys, events and expect
// bounds mean something for which `protocol.kind`. schema.ts holds the shared format.

export const PROTOCOL_KINDS = ['stream', 'bee'] as const;
export type ProtocolKind = (typeof PROTOCOL_KINDS)[number];

const b = beeDefaults();
const dur = durationDefault;

/** Bee's settings under `protocol` (defaults from beeDefaults(); docs/bee.md says which differ from Bee's and why). */
export const BEE_FIELDS = {
  capacity: optional(int(1, 2 ** 30), 'reserve capacity in chunks (Bee: 2^22; small so runs overflow and move the radius)', undefined, String(b.capacity)),
  minEvictCount: optional(int(1, 2 ** 30), 'at least this many chunks evicted per batch in an overflow (Bee: 1000 at 2^22 chunks)', undefined, String(b.minEvictCount)),
  networkRadius: optional(int(0, 31), 'the radius the status protocol reports when warm-up ends', undefined, String(b.networkRadius)),
  minimumRadius: optional(int(0, 31), '--minimum-storage-radius: the radius never goes below it', undefined, String(b.minimumRadius)),
  warmupTime: optional(duration, '--warmup-time: the puller starts at most this long after the first connection', undefined, dur(b.warmupTime)),
  recalcPeersDur: optional(positiveDuration, "the puller's periodic recalculation", undefined, dur(b.recalcPeersDur)),
  wakeupDuration: optional(positiveDuration, "the reserve worker's wake-up (a radius decrease is checked then)", undefined, dur(b.wakeupDuration)),
  histRateWindow: optional(positiveDuration, 'the window of the historical sync rate', undefined, dur(b.histRateWindow)),
  maxPage: optional(int(1, 4096), 'entries per Offer', undefined, String(b.maxPage)),
  pageTimeout: optional(duration, 'after the first chunk of a page, the wait for each further one', undefined, dur(b.pageTimeout)),
  serverRate: optional(int(1, 1_000_000), "chunks a second the server delivers to one peer (burst maxPage)", undefined, String(b.serverRate)),
  clientRate: optional(int(1, 1_000_000), "chunks a second a node pulls in all (burst the same)", undefined, String(b.clientRate)),
  maxPODelta: optional(int(0, 31), 'a peer this far below the radius still syncs its own PO bin', undefined, String(b.maxPODelta)),
  pushSync: optional(bool, "an upload lands at the up node closest to the chunk (push sync's landing); false: at the upload's node", undefined, 'true'),
};
export type BeeKey = keyof typeof BEE_FIELDS;

/** The keys of `protocol` that are stream!'s alone. */
export const STREAM_KEYS = ['version', 'batchSize', 'frameSize', 'serverBatchTimeout', 'clientBatchTimeout', 'syncInitBackoff', 'syncWithinDepthOnly', 'roundtrip', 'streamState', 'needDataCache', 'dedupInFlight', 'autostart', 'latentDefects'] as const;
/** Events that only Bee's nodes know. */
export const BEE_VERBS = ['wipe', 'loseData', 'expireBatch'] as const;

/** A stream! scenario's resolved protocol settings (no `kind` key: the echo of stream! runs is as it always was). */
export type StreamProtocolConfig = ProtocolOptions & { kind?: undefined; redialDelay: Micros | null };

/** A Bee scenario's resolved protocol settings (result.json echoes them under config.protocol). */
export type BeeProtocolConfig = BeeOptions & { kind: 'bee'; pushSync: boolean; redialDelay: Micros | null };

/** A scenario's stream! settings (a Bee scenario here is a bug: the binding chose by kind). */
export function streamSettings(p: StreamProtocolConfig | BeeProtocolConfig): StreamProtocolConfig {
  if (p.kind === 'bee') throw new Error('assertion failed: stream! settings of a Bee scenario');
  return p;
}

/** A key that belongs to the other protocol, refused with why. */
export function refuseKey(file: string, path: string, kind: ProtocolKind, got: unknown): never {
  const other = kind === 'bee' ? 'stream' : 'bee';
  const key = path.slice(path.lastIndexOf('.') + 1);
  const whose = other === 'bee' ? "Bee's pull sync" : "stream! (the Go client's pull sync)";
  throw new UsageError(file, path, `no "${key}" with protocol.kind "${kind}" (it is a setting of ${whose}, protocol.kind "${other}")`, show(got));
}

/** Bee's settings from the parsed `protocol` object: the scenario's values over beeDefaults(). */
export function beeConfig(p: Partial<Record<BeeKey | 'neighbourhoodSize', unknown>> & { mutants?: string[]; redialDelay: Micros | null }, file: string): BeeProtocolConfig {
  const d = beeDefaults();
  const pick = <K extends keyof BeeOptions>(k: K): BeeOptions[K] => (p[k as BeeKey] === undefined ? d[k] : (p[k as BeeKey] as BeeOptions[K]));
  const mutants = p.mutants ?? [];
  mutants.forEach((m, i) => {
    if (!(BEE_MUTANTS as readonly string[]).includes(m)) throw new UsageError(file, `$.protocol.mutants[${i}]`, `a Bee mutant (one of ${BEE_MUTANTS.join(', ')}) with protocol.kind "bee"`, show(m));
  });
  return {
    kind: 'bee',
    maxPage: pick('maxPage'),
    pageTimeout: pick('pageTimeout'),
    serverRate: pick('serverRate'),
    clientRate: pick('clientRate'),
    recalcPeersDur: pick('recalcPeersDur'),
    maxPODelta: pick('maxPODelta'),
    histRateWindow: pick('histRateWindow'),
    capacity: pick('capacity'),
    minEvictCount: pick('minEvictCount'),
    wakeupDuration: pick('wakeupDuration'),
    minimumRadius: pick('minimumRadius'),
    networkRadius: pick('networkRadius'),
    warmupTime: pick('warmupTime'),
    stabilizationPeriod: d.stabilizationPeriod,
    stabilizationPeriods: d.stabilizationPeriods,
    stabilizationMinimumPeriods: d.stabilizationMinimumPeriods,
    stabilizationFactor: d.stabilizationFactor,
    neighbourhoodSize: pick('neighbourhoodSize'),
    mutants: mutants as BeeMutant[],
    pushSync: (p.pushSync as boolean | undefined) ?? true,
    redialDelay: p.redialDelay,
  };
}

/** The fields of `protocol`: `kind`, the stream! ones and Bee's. */
export function withKind<F extends Record<string, Field<unknown>>>(streamFields: F) {
  return { kind: optional(oneOf(PROTOCOL_KINDS), 'which pull sync: "stream" (the Go client) or "bee" (the Bee client, docs/bee.md)', 'stream' as ProtocolKind), ...streamFields, ...BEE_FIELDS };
}

/** stream!'s settings: the scenario's values over the defaults of its `version`. */
export function streamConfig(p: { version: 'head' | 'pr1538'; redialDelay: Micros | null } & Partial<Record<keyof ProtocolOptions, unknown>>): StreamProtocolConfig {
  const defaults = protocolDefaults(p.version);
  const pick = <K extends keyof ProtocolOptions>(k: K): ProtocolOptions[K] => (p[k] === undefined ? defaults[k] : (p[k] as ProtocolOptions[K]));
  return {
    version: p.version,
    batchSize: pick('batchSize'),
    frameSize: pick('frameSize'),
    serverBatchTimeout: pick('serverBatchTimeout'),
    clientBatchTimeout: pick('clientBatchTimeout'),
    syncInitBackoff: pick('syncInitBackoff'),
    neighbourhoodSize: pick('neighbourhoodSize'),
    syncWithinDepthOnly: pick('syncWithinDepthOnly'),
    roundtrip: pick('roundtrip'),
    streamState: pick('streamState'),
    needDataCache: pick('needDataCache'),
    dedupInFlight: pick('dedupInFlight'),
    autostart: pick('autostart'),
    latentDefects: pick('latentDefects') as LatentDefect[],
    mutants: pick('mutants') as Mutant[],
    redialDelay: p.redialDelay,
  };
}
