import { parseDuration, type Micros } from '../core/units.js';
import type { Costs } from '../protocol/env.js';
import type { RuntimeOptions } from '../sim/machine.js';
import { custom, fail, int, object, oneOf, optional, textual, type Spec } from './spec.js';
import { durationDefault } from './values.js';

/**
 * The scenario's `runtime` section: how the nodes' message handlers run (docs/runtime.md). Serial (the default)
 * runs every handler to completion at once, at no cost; goroutines run them as steps on a simulated machine of
 * `cores` cores shared by all nodes, each step costing the operations Go's handler blocks on.
 */

/**
 * Per-operation costs on one core, calibrated against the Go client's BenchmarkHistoricalStream (docs/runtime.md;
 * `node dist/bench/calibrate-runtime.js`).
 */
export const COST_DEFAULTS: Costs = { handler: 11, send: 11, storeLookup: 6, get: 22, put: 83 };

export const RUNTIME_DEFAULTS: RuntimeOptions = { handlers: 'serial', cores: 2, busyLoops: 0, jitter: 50, costs: COST_DEFAULTS };

const duration = textual<Micros>('a duration such as "20us", "1ms" (us, ms, s; not negative)', parseDuration, '20us', ['5', '-1us', '1 sec']);
const dur = durationDefault;

const busyLoops = custom<number>(
  'a number from 0 to 1000 (other busy threads on the machine)',
  (v, path, file) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 1000 ? v : fail(file, path, 'a number from 0 to 1000 (other busy threads on the machine)', v)),
  0,
  [{ value: -1 }, { value: 1001 }, { value: '2' }, { value: null }],
);

const cost = (name: keyof Costs, doc: string) => optional(duration, doc, COST_DEFAULTS[name], dur(COST_DEFAULTS[name]));
const costs = object(
  {
    handler: cost('handler', 'a received message: read, decode, start its handler; also each wake-up of a blocked handler'),
    send: cost('send', 'a sent message: encode and write it'),
    storeLookup: cost('storeLookup', 'a hash looked up (NeedData), a pull-index entry read, a cursor or interval read or written'),
    get: cost('get', 'a chunk fetched for delivery (cache or store)'),
    put: cost('put', 'a delivered chunk validated and stored'),
  },
  'an object {handler, send, storeLookup, get, put} of durations',
);

const GOROUTINE_ONLY = ['cores', 'busyLoops', 'jitter', 'costs'] as const;

export const RUNTIME: Spec<RuntimeOptions> = object(
  {
    handlers: optional(oneOf(['serial', 'goroutines'] as const), 'serial: handlers run at once, at no cost; goroutines: steps on a simulated machine', RUNTIME_DEFAULTS.handlers),
    cores: optional(int(1, 1024), 'simulated cores shared by every node (GOMAXPROCS)', RUNTIME_DEFAULTS.cores),
    busyLoops: optional(busyLoops, 'other busy threads sharing the cores: each step takes (cores + busyLoops) / cores its cost', RUNTIME_DEFAULTS.busyLoops),
    jitter: optional(duration, "a ready step's keyed random wake-up delay, [0, jitter): steps ready within it run in either order", RUNTIME_DEFAULTS.jitter, dur(RUNTIME_DEFAULTS.jitter)),
    costs: optional(costs, 'CPU per operation on one core', undefined, 'calibrated (docs/runtime.md)'),
  },
  'an object {handlers, cores, busyLoops, jitter, costs}',
  (o, path, file, raw) => {
    if (o.handlers === 'goroutines') return;
    for (const k of GOROUTINE_ONLY) if (raw[k] !== undefined) fail(file, `${path}.${k}`, 'no value here unless "handlers" is "goroutines" (the serial runtime has no machine)', raw[k]);
  },
  { handlers: 'goroutines', cores: 2 },
) as Spec<RuntimeOptions>;

/** The runtime section with its defaults filled in. */
export function runtimeOf(parsed: RuntimeOptions | undefined, file: string): RuntimeOptions {
  const r = parsed ?? RUNTIME.parse({}, '$.runtime', file);
  return { ...r, costs: r.costs ?? COST_DEFAULTS };
}
