import { UsageError } from '../core/errors.js';
import { formatMicros, parseBandwidth, parseDuration, type Micros } from '../core/units.js';
import { BEE_MUTANTS } from '../protocol/bee/options.js';
import { LATENT_DEFECTS, MUTANTS, protocolDefaults, type ProtocolOptions } from '../protocol/stream/options.js';
import type { Latency, LinkModel } from '../net/links.js';
import type { RuntimeOptions } from '../sim/machine.js';
import type { Shape } from '../topology/shapes.js';
import { hiveSpec, resolveHive, type HiveOptions } from './hive-schema.js';
import { RUNTIME, runtimeOf } from './runtime-spec.js';
import { BEE_VERBS, STREAM_KEYS, beeConfig, refuseKey, streamConfig, withKind, BEE_FIELDS, type BeeProtocolConfig, type ProtocolKind, type StreamProtocolConfig } from './schema-protocols.js';
import { bool, custom, fail, int, list, nullable, object, oneOf, optional, required, str, variant } from './spec.js';
import { NAME, bandwidth, chunkAddress, downtime, duration, durationDefault, latency, name, nodeRef, range, rate } from './values.js';

/** A node reference as written: an index, a unique id prefix, or "random". */
export type NodeRef = number | string;

export type Action =
  /**
   * `chunks` new chunks; with `addresses` (chunks = their number) the chunks of exactly these addresses; `batch`: the
   * chunks' postage batch (Bee only; 0 when left out)
   */
  | { upload: { node: NodeRef; chunks: number; addresses?: string[]; batch?: number } }
  | { disconnect: { a: NodeRef; b: NodeRef } }
  | { connect: { a: NodeRef; b: NodeRef } }
  | { stop: { node: NodeRef } }
  | { start: { node: NodeRef } }
  | { pause: { node: NodeRef } }
  | { resume: { node: NodeRef } }
  /** removes chunks from a node's store: index ranges [from, to) into the run's uploaded chunks, in upload order */
  | { remove: { node: NodeRef; chunks: [number, number][]; restore: boolean } }
  /** changes the link model of one link (a, b), of a node's links (node), or of all links; `for` reverts it later */
  | { links: LinkChange }
  /** drops every link between the groups (Kademlia sees the peers go); "halves" splits by the first address bit */
  | { partition: { groups: NodeRef[][] } | { halves: true } }
  /** ends every fault: restarts stopped nodes, restores partitioned links, resets link models, resumes dispatch */
  | { heal: Record<string, never> }
  /** random stops and restarts: `rate` stops per second (exponential gaps), each down for `downtime` */
  | { churn: { rate: number; downtime: [Micros, Micros]; until: Micros } }
  /** Bee: the node's reserve and statestore are cleared (`db nuke`): an up node stops, is wiped and starts again */
  | { wipe: { node: NodeRef } }
  /** Bee: the chunks' data is lost at the node (every node when left out) while its reserve still lists them (issue 4337's state) */
  | { loseData: { node?: NodeRef; chunks: [number, number][] } }
  /** Bee: the node (every node when left out) sees the postage batch expire */
  | { expireBatch: { batch: number; node?: NodeRef } };

export interface LinkChange {
  a?: NodeRef;
  b?: NodeRef;
  node?: NodeRef;
  latency?: Latency;
  bandwidth?: number;
  processing?: Micros;
  /** a spike: the change lasts this long, then the previous model returns */
  for?: Micros;
}

export interface TimedAction {
  at: Micros;
  action: Action;
}

export type TopologySpec = { snapshot: string } | { generate: { nodes: number; seed: number; binSize: number; shape: 'hive' | Shape } };

export type { BeeProtocolConfig, StreamProtocolConfig } from './schema-protocols.js';

/** A scenario with every default filled in: what a run actually used (echoed in result.json). */
export interface Scenario {
  name: string;
  description: string;
  file: string;
  seed: number;
  topology: TopologySpec;
  protocol: StreamProtocolConfig | BeeProtocolConfig;
  hive: HiveOptions;
  links: LinkModel;
  /** how message handlers run: serial (at once, free) or goroutines on a simulated machine */
  runtime: RuntimeOptions;
  events: TimedAction[];
  /** convergeWithin: the liveness phase, all AoR pairs held within this long after the last fault */
  run: { until: 'quiescent' | Micros; maxTime: Micros; convergeWithin: Micros | null };
  /**
   * minAorPairs: fewer (chunk, AoR node) pairs checked than this fails the run (0: a vacuous run only warns);
   * maxDuplicates null: unbounded (Bee's default: exactly-once is not a Bee guarantee); maxOutOfRadius: Bee only
   */
  expect: { verdict: 'pass' | 'fail'; maxDuplicates: number | null; maxDrops: number; minAorPairs: number; maxOutOfRadius?: number | null };
}

/** Every scenario default lives here (protocol defaults are the Go client's, from protocolDefaults). */
export const DEFAULTS = {
  seed: 1,
  redialDelay: 200_000,
  links: { latency: '20ms', bandwidth: '10MB/s', processing: '0ms' },
  run: { until: 'quiescent', maxTime: '1h' },
  expect: { verdict: 'pass', maxDuplicates: 0, maxDrops: 0, minAorPairs: 0 },
  generate: { seed: 1, binSize: 4, shape: 'hive' },
} as const;

// --- events --------------------------------------------------------------------------------------------------

const pair = (verb: string) =>
  object({ a: required(nodeRef(), 'one end'), b: required(nodeRef(), 'the other end') }, 'an object {a, b}', (o, path, file) => {
    if (o.a === o.b && o.a !== 'random') fail(file, `${path}.b`, `a node other than "a" (a ${verb} joins two nodes)`, o.b);
  }, { a: 0, b: 1 });
const oneNode = object({ node: required(nodeRef(), 'the node') }, 'an object {node}');

const linksBody = object(
  {
    a: optional(nodeRef(), 'one end of the link (with b)'),
    b: optional(nodeRef(), 'the other end (with a)'),
    node: optional(nodeRef(), "every link of this node"),
    latency: optional(latency, 'new latency'),
    bandwidth: optional(bandwidth, 'new bandwidth'),
    processing: optional(duration, 'new processing delay'),
    for: optional(duration, 'a spike: revert after this long'),
  },
  'an object: a and b, or node, or neither; and latency, bandwidth or processing',
  (o, path, file) => {
    if ((o.a === undefined) !== (o.b === undefined) || (o.a !== undefined && o.node !== undefined)) fail(file, path, 'either "a" and "b" (one link), "node" (its links), or neither (all links)', Object.keys(o).filter((k) => o[k as keyof typeof o] !== undefined).join(','));
    if (o.a !== undefined && o.a === o.b && o.a !== 'random') fail(file, `${path}.b`, 'a node other than "a" (a link joins two nodes)', o.b);
    if (o.latency === undefined && o.bandwidth === undefined && o.processing === undefined) fail(file, path, 'at least one of latency, bandwidth, processing', 'none');
  },
  { latency: '5ms' },
);

const partitionBody = object(
  {
    groups: optional(list(list(nodeRef(false), 'a non-empty array of node references', { min: 1 }), 'two or more non-empty arrays of node references', { min: 2 }), 'the groups'),
    halves: optional(custom('true', (v, path, file) => (v === true ? (true as const) : fail(file, path, 'true (split by the first address bit)', v)), true, [{ value: false }, { value: 'yes' }]), 'split by the first address bit'),
  },
  'an object with "groups" or "halves": true',
  (o, path, file) => {
    if ((o.groups === undefined) === (o.halves === undefined)) fail(file, path, 'exactly one of "groups" and "halves"', o.groups === undefined ? 'neither' : 'both');
    const seen = new Map<NodeRef, string>();
    o.groups?.forEach((g, gi) =>
      g.forEach((ref, i) => {
        const p = `${path}.groups[${gi}][${i}]`;
        const before = seen.get(ref);
        if (before !== undefined) fail(file, p, `a node in one group only (it is also at ${before})`, ref);
        seen.set(ref, p);
      }),
    );
  },
  { halves: true },
);

const VERBS = {
  upload: object(
    {
      node: required(nodeRef(), 'where ("random": a random up node per chunk)'),
      chunks: optional(int(1, 10_000_000), 'how many new chunks (random addresses, keyed by the event)'),
      addresses: optional(list(chunkAddress, 'an array of 64-hex-digit chunk addresses', { min: 1, max: 10_000_000 }), 'the chunks of exactly these addresses (pullsim shrink writes them)'),
      batch: optional(int(0, 2 ** 31 - 1), "Bee: the chunks' postage batch (0)"),
    },
    'an object {node, chunks} or {node, addresses}, and a batch (Bee)',
    (o, path, file) => {
      if ((o.chunks === undefined) === (o.addresses === undefined)) fail(file, path, 'exactly one of "chunks" and "addresses"', o.chunks === undefined ? 'neither' : 'both');
    },
    { node: 0, chunks: 1 },
  ),
  disconnect: pair('disconnect'),
  connect: pair('connect'),
  stop: oneNode,
  start: oneNode,
  pause: oneNode,
  resume: oneNode,
  remove: object({ node: required(nodeRef(), 'the node'), chunks: required(list(range, 'an array of [from, to) index ranges into the uploaded chunks'), 'upload index ranges'), restore: optional(bool, 'sync must bring them back', false) }, 'an object {node, chunks, restore}'),
  links: linksBody,
  partition: partitionBody,
  heal: object({}, 'an empty object {}'),
  churn: object({ rate: required(rate, 'stops per time'), downtime: required(downtime, 'how long each stopped node stays down'), until: required(duration, 'when churn ends') }, 'an object {rate, downtime, until}', undefined, { rate: '1/s', downtime: '1s', until: '10s' }),
  wipe: oneNode,
  loseData: object({ node: optional(nodeRef(), 'the node (every node when left out)'), chunks: required(list(range, 'an array of [from, to) index ranges into the uploaded chunks'), 'upload index ranges') }, 'an object {node, chunks}'),
  expireBatch: object({ batch: required(int(0, 2 ** 31 - 1), 'the postage batch'), node: optional(nodeRef(), 'the node that sees it expire (all nodes when left out)') }, 'an object {batch, node}'),
};

export const EVENT = variant({ at: required(duration, 'when') }, VERBS, 'an event: "at" and one verb');

// --- the file ------------------------------------------------------------------------------------------------

const SHAPES = ['hive', 'star', 'mesh', 'line'] as const;
const generate = object(
  {
    nodes: required(int(2, 100_000), 'how many nodes (mesh: at most 1000)'),
    seed: optional(int(0), 'the generator seed', DEFAULTS.generate.seed),
    binSize: optional(int(1, 64), 'peers dialled per Kademlia bin', DEFAULTS.generate.binSize),
    shape: optional(oneOf(SHAPES), 'hive (Swarm-like), star, mesh or line', DEFAULTS.generate.shape),
  },
  'an object {nodes, seed, binSize, shape}',
  (o, path, file) => {
    if (o.shape === 'mesh' && o.nodes > 1000) fail(file, `${path}.nodes`, 'an integer from 2 to 1000 (a mesh)', o.nodes);
  },
);

const topology = object(
  { snapshot: optional(str('a snapshot file path'), 'a snapshot file, relative to the scenario file'), generate: optional(generate, 'a generated topology') },
  'either {"snapshot": "file.json"} or {"generate": {"nodes": N}}',
  (o, path, file, raw) => {
    if ((o.snapshot === undefined) === (o.generate === undefined)) fail(file, path, 'either {"snapshot": "file.json"} or {"generate": {"nodes": N}}', raw);
  },
);

const d = protocolDefaults('head');
const pr = protocolDefaults('pr1538');
const both = (k: keyof ProtocolOptions, f = (x: unknown) => JSON.stringify(x)) => (d[k] === pr[k] ? f(d[k]) : `${f(d[k])} (pr1538: ${f(pr[k])})`);
const dur = (x: unknown): string => durationDefault(x as Micros);
const protocol = object(
  withKind({
    version: optional(oneOf(['head', 'pr1538'] as const), 'which Go client the protocol behaves like; sets the defaults below', 'head'),
    batchSize: optional(int(1, 4096), 'hashes per OfferedHashes', undefined, both('batchSize')),
    frameSize: optional(int(1, 4096), 'chunks per ChunkDelivery', undefined, both('frameSize')),
    serverBatchTimeout: optional(duration, 'server ends a batch this long after the last collected hash', undefined, both('serverBatchTimeout', dur)),
    clientBatchTimeout: optional(duration, 'client drops the peer if wanted chunks have not all arrived', undefined, both('clientBatchTimeout', dur)),
    syncInitBackoff: optional(duration, "delay before a new peer's first subscriptions", undefined, both('syncInitBackoff', dur)),
    neighbourhoodSize: optional(int(1, 64), 'Kademlia NeighbourhoodSize for depth', undefined, both('neighbourhoodSize')),
    syncWithinDepthOnly: optional(bool, 'sync only from peers within depth', undefined, both('syncWithinDepthOnly')),
    roundtrip: optional(bool, "false: the spec's roundtrip-off mode (BatchDone)", undefined, both('roundtrip')),
    streamState: optional(bool, "the spec's StreamState answer to a refused GetRange", undefined, both('streamState')),
    redialDelay: optional(nullable(duration), 'hive redial after a protocol drop; null = never redial', DEFAULTS.redialDelay as Micros | null, '"200ms"'),
    needDataCache: optional(int(0), 'size of the NeedData LRU', undefined, both('needDataCache')),
    dedupInFlight: optional(bool, 'a fix the Go client never had: no chunk wanted from two peers at once', undefined, both('dedupInFlight')),
    autostart: optional(bool, 'false: exchange cursors only', undefined, both('autostart')),
    latentDefects: optional(list(oneOf(LATENT_DEFECTS), `an array of names from ${LATENT_DEFECTS.join(', ')}`), "HEAD's latent defects (remove one to see the fix)", undefined, both('latentDefects')),
    mutants: optional(list(oneOf([...MUTANTS, ...BEE_MUTANTS]), `an array of names from ${[...MUTANTS, ...BEE_MUTANTS].join(', ')}`), 're-introduced historical bugs (bee-<number> for protocol.kind "bee")', undefined, both('mutants')),
  }),
  'an object of protocol settings',
  (o, path, file, raw) => {
    const kind = o.kind;
    const foreign: readonly string[] = kind === 'bee' ? STREAM_KEYS : Object.keys(BEE_FIELDS);
    for (const k of Object.keys(raw)) if (foreign.includes(k)) refuseKey(file, `${path}.${k}`, kind, raw[k]);
    if (kind === 'stream') {
      o.mutants?.forEach((m, i) => {
        if (!(MUTANTS as readonly string[]).includes(m)) fail(file, `${path}.mutants[${i}]`, `a stream! mutant (one of ${MUTANTS.join(', ')}); bee-<number> mutants need protocol.kind "bee"`, m);
      });
    }
  },
);

const links = object(
  {
    latency: optional(latency, 'a duration, or {"uniform": [MIN, MAX]} drawn per message', { constant: parseDuration(DEFAULTS.links.latency)! } as Latency, `"${DEFAULTS.links.latency}"`),
    bandwidth: optional(bandwidth, 'per direction', parseBandwidth(DEFAULTS.links.bandwidth)!, `"${DEFAULTS.links.bandwidth}"`),
    processing: optional(duration, 'per-message delay at the receiver', parseDuration(DEFAULTS.links.processing)!, `"${DEFAULTS.links.processing}"`),
  },
  'an object {latency, bandwidth, processing}',
);

const until = custom<'quiescent' | Micros>('"quiescent" or a duration', (v, path, file) => (v === 'quiescent' ? 'quiescent' : duration.parse(v, path, file)), 'quiescent', [{ value: 'forever' }, { value: 5 }, { value: null }]);
const run = object(
  {
    until: optional(until, 'or a duration: stop at that virtual time', 'quiescent' as 'quiescent' | Micros),
    maxTime: optional(duration, 'not quiescent by then = a liveness violation', parseDuration(DEFAULTS.run.maxTime)!, `"${DEFAULTS.run.maxTime}"`),
    convergeWithin: optional(nullable(duration), 'the liveness phase: every AoR pair held within this long after the last fault', null as Micros | null),
  },
  'an object {until, maxTime, convergeWithin}',
);

const expect = object(
  {
    verdict: optional(oneOf(['pass', 'fail'] as const), 'the verdict this scenario should get', DEFAULTS.expect.verdict),
    maxDuplicates: optional(nullable(int(0)), 'duplicate deliveries tolerated; null: unbounded', undefined, '0 (bee: null)'),
    maxDrops: optional(int(0), 'protocol drops tolerated', DEFAULTS.expect.maxDrops as number),
    minAorPairs: optional(int(0), 'fewer (chunk, AoR node) pairs checked than this fails the run; 0: an empty check only warns', DEFAULTS.expect.minAorPairs as number),
    maxOutOfRadius: optional(nullable(int(0)), 'Bee: deliveries outside the receiver\'s radius tolerated; null: a metric only', undefined, 'null'),
  },
  'an object {verdict, maxDuplicates, maxDrops, minAorPairs, maxOutOfRadius}',
);

const shrunkFields = { from: required(str('the original scenario file'), 'the scenario file that was shrunk'), seed: required(int(0), 'its seed') };
const shrunk = object({ ...shrunkFields, mutant: optional(str('a mutant name'), 'the mutant it ran with'), swarm: optional(bool, 'it ran with the swarm faults of its seed'), property: required(str('a property (violation kind)'), 'the property that still fails') }, 'an object {from, seed, mutant, swarm, property}');

/** The scenario file format, every key with its default: the one definition docs and validation share. */
export const SCENARIO = object(
  {
    pullsim: required(custom('the format version 1', (v, path, file) => (v === 1 ? 1 : fail(file, path, 'the format version 1', v)), 1, [{ value: 2 }, { value: '1' }]), 'format version, 1'),
    shrunk: optional(shrunk, 'written by `pullsim shrink`: where the scenario came from (changes nothing in a run; marks the file as one a later shrink may replace)'),
    name: optional(name, 'names the output folder', undefined, 'the file name'),
    description: optional(str(), 'free text', ''),
    seed: optional(int(0), "the run's seed; --seed overrides it", DEFAULTS.seed as number),
    topology: required(topology, 'a snapshot file or a generated topology'),
    protocol: optional(protocol, 'protocol settings (the Go client as default)'),
    hive: optional(hiveSpec(), 'the hive: how dropped, stopped and partitioned links come back'),
    links: optional(links, 'the link model'),
    runtime: optional(RUNTIME, 'how message handlers run (serial, or goroutines on a simulated machine)'),
    events: optional(list(EVENT, 'an array of events'), 'the timeline', []),
    run: optional(run, 'how long to run'),
    expect: optional(expect, 'what the verdict should be'),
  },
  'a scenario object',
);

/** Validates a parsed scenario file; every problem is one UsageError naming file, JSON path and expectation. */
export function parseScenario(json: unknown, file: string, defaultName: string): Scenario {
  const root = SCENARIO.parse(json, '$', file);
  const p = root.protocol ?? protocol.parse({}, '$.protocol', file);
  const kind: ProtocolKind = p.kind;
  const protocolOptions = kind === 'bee' ? beeConfig(p, file) : streamConfig(p as Parameters<typeof streamConfig>[0]);
  const r = root.run ?? run.parse({}, '$.run', file);
  const named = new Map<string, string>();
  const events = root.events.map((e, i): TimedAction => {
    const body = Object.fromEntries(Object.entries(e.body as Record<string, unknown>).filter(([, v]) => v !== undefined));
    const action = { [e.key]: body } as Action;
    if ('upload' in action && action.upload.addresses) {
      action.upload.chunks = action.upload.addresses.length;
      action.upload.addresses.forEach((a, j) => {
        const path = `$.events[${i}].upload.addresses[${j}]`;
        if (named.has(a)) fail(file, path, `an address no other upload names (${named.get(a)} does)`, a);
        named.set(a, path);
      });
    }
    if (kind === 'stream' && (BEE_VERBS as readonly string[]).includes(e.key)) fail(file, `$.events[${i}].${e.key}`, `an event of protocol.kind "bee" only (${e.key} is a fault of Bee's nodes; this scenario's protocol.kind is "stream")`, e.key);
    if (kind === 'stream' && 'upload' in action && action.upload.batch !== undefined) refuseKey(file, `$.events[${i}].upload.batch`, kind, action.upload.batch);
    if ('churn' in action && action.churn.until <= e.at) fail(file, `$.events[${i}].churn.until`, 'a time after "at"', formatMicros(action.churn.until));
    const end = r.until === 'quiescent' ? r.maxTime : Math.min(r.until, r.maxTime);
    if (e.at > end) fail(file, `$.events[${i}].at`, `a time no later than the run's end (${r.until === 'quiescent' || r.maxTime < r.until ? 'run.maxTime' : 'run.until'} = ${formatMicros(end)})`, formatMicros(e.at));
    return { at: e.at, action };
  });
  const t = root.topology;
  const topologySpec: TopologySpec = t.snapshot !== undefined ? { snapshot: t.snapshot } : { generate: t.generate! };
  const nameValue = root.name ?? defaultName;
  if (!NAME.test(nameValue)) throw new UsageError(file, '$.name', `a name (the file name ${JSON.stringify(defaultName)} is not usable as one: set "name")`, nameValue);
  return {
    name: nameValue,
    description: root.description,
    file,
    seed: root.seed,
    topology: topologySpec,
    protocol: protocolOptions,
    hive: hiveFor(kind, root.hive, p.redialDelay, json, file),
    links: root.links ?? links.parse({}, '$.links', file),
    runtime: runtimeFor(kind, root.runtime, file),
    events,
    run: { until: r.until, maxTime: r.maxTime, convergeWithin: r.convergeWithin },
    expect: expectFor(kind, root.expect ?? expect.parse({}, '$.expect', file), file),
  };
}

/** The expectation with its protocol's defaults: duplicates bounded at 0 for stream!, unbounded for Bee (a metric). */
function expectFor(kind: ProtocolKind, e: ReturnType<typeof expect.parse>, file: string): Scenario['expect'] {
  const base = { verdict: e.verdict, maxDuplicates: e.maxDuplicates === undefined ? (kind === 'bee' ? null : DEFAULTS.expect.maxDuplicates) : e.maxDuplicates, maxDrops: e.maxDrops, minAorPairs: e.minAorPairs };
  if (kind === 'bee') return { ...base, maxOutOfRadius: e.maxOutOfRadius ?? null };
  if (e.maxOutOfRadius !== undefined) refuseKey(file, '$.expect.maxOutOfRadius', kind, e.maxOutOfRadius);
  return base;
}

/**
 * The hive: both models for stream!; for Bee only the simple one (the go hive models the retired Go client's dialling,
 * not Bee's).
 */
function hiveFor(kind: ProtocolKind, hive: unknown, redialDelay: Micros | null, json: unknown, file: string): HiveOptions {
  const h = resolveHive(hive as Parameters<typeof resolveHive>[0], redialDelay, json as Record<string, unknown>, file);
  if (kind === 'bee' && h.model === 'go') fail(file, '$.hive.model', '"simple" for protocol.kind "bee" (the go hive models the Go client\'s dialling, not Bee\'s)', 'go');
  return h;
}

/** The runtime: both for stream!; for Bee only serial (its handlers are not split at their blocking points). */
function runtimeFor(kind: ProtocolKind, runtime: unknown, file: string): RuntimeOptions {
  const r = runtimeOf(runtime as Parameters<typeof runtimeOf>[0], file);
  if (kind === 'bee' && r.handlers !== 'serial') fail(file, '$.runtime.handlers', '"serial" for protocol.kind "bee" (Bee\'s handlers are not split into steps on the machine)', r.handlers);
  return r;
}
