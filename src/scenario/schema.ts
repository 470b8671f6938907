import { UsageError, show } from '../core/errors.js';
import { parseBandwidth, parseDuration, type Micros } from '../core/units.js';
import { LATENT_DEFECTS, MUTANTS, protocolDefaults, type LatentDefect, type Mutant, type ProtocolOptions } from '../protocol/options.js';
import type { Latency, LinkModel } from '../net/links.js';
import type { Shape } from '../topology/shapes.js';

/** A node reference as written: an index, a unique id prefix, or "random". */
export type NodeRef = number | string;

export type Action =
  | { upload: { node: NodeRef; chunks: number } }
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
  | { churn: { rate: number; downtime: [Micros, Micros]; until: Micros } };

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

/** A scenario with every default filled in: what a run actually used (echoed in result.json). */
export interface Scenario {
  name: string;
  description: string;
  file: string;
  seed: number;
  topology: TopologySpec;
  protocol: ProtocolOptions & { redialDelay: Micros | null };
  links: LinkModel;
  events: TimedAction[];
  /** convergeWithin: the liveness phase, all AoR pairs held within this long after the last fault */
  run: { until: 'quiescent' | Micros; maxTime: Micros; convergeWithin: Micros | null };
  expect: { verdict: 'pass' | 'fail'; maxDuplicates: number; maxDrops: number };
}

/** Every scenario default lives here (protocol defaults are the Go client's, from protocolDefaults). */
export const DEFAULTS = {
  seed: 1,
  redialDelay: 200_000,
  links: { latency: '20ms', bandwidth: '10MB/s', processing: '0ms' },
  run: { until: 'quiescent', maxTime: '1h' },
  expect: { verdict: 'pass', maxDuplicates: 0, maxDrops: 0 },
  generate: { seed: 1, binSize: 4, shape: 'hive' },
} as const;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Validates a parsed scenario file; every problem is one UsageError naming file, JSON path and expectation. */
export function parseScenario(json: unknown, file: string, defaultName: string): Scenario {
  const fail = (path: string, expected: string, got?: unknown): never => {
    throw new UsageError(file, path, expected, got === undefined ? undefined : show(got));
  };
  const only = (o: Obj, path: string, keys: readonly string[]) => {
    for (const k of Object.keys(o)) if (!keys.includes(k)) fail(`${path}.${k}`, `one of the known keys (${keys.join(', ')})`, k);
  };
  const obj = (v: unknown, path: string): Obj => (isObj(v) ? v : fail(path, 'an object', v));
  const int = (v: unknown, path: string, min: number, max = Number.MAX_SAFE_INTEGER): number =>
    Number.isInteger(v) && (v as number) >= min && (v as number) <= max ? (v as number) : fail(path, `an integer from ${min} to ${max}`, v);
  const dur = (v: unknown, path: string): Micros => parseDuration(v) ?? fail(path, 'a duration such as "250ms", "2s" or "1m" (us, ms, s, m, h; not negative)', v);
  const bool = (v: unknown, path: string): boolean => (typeof v === 'boolean' ? v : fail(path, 'true or false', v));
  const str = (v: unknown, path: string): string => (typeof v === 'string' ? v : fail(path, 'a string', v));

  const root = obj(json, '$');
  only(root, '$', ['pullsim', 'name', 'description', 'seed', 'topology', 'protocol', 'links', 'events', 'run', 'expect']);
  if (root.pullsim !== 1) fail('$.pullsim', 'the format version 1', root.pullsim);
  const name = root.name === undefined ? defaultName : str(root.name, '$.name');
  if (!/^[A-Za-z0-9._-]+$/.test(name)) fail('$.name', 'a name of letters, digits, ".", "_" or "-"', name);

  const topo = obj(root.topology, '$.topology');
  only(topo, '$.topology', ['snapshot', 'generate']);
  let topology: TopologySpec;
  if (typeof topo.snapshot === 'string' && topo.generate === undefined) topology = { snapshot: topo.snapshot };
  else if (topo.snapshot === undefined && topo.generate !== undefined) {
    const g = obj(topo.generate, '$.topology.generate');
    only(g, '$.topology.generate', ['nodes', 'seed', 'binSize', 'shape']);
    const shapes = ['hive', 'star', 'mesh', 'line'];
    if (g.shape !== undefined && !shapes.includes(g.shape as string)) fail('$.topology.generate.shape', `one of ${shapes.join(', ')}`, g.shape);
    topology = {
      generate: {
        nodes: int(g.nodes, '$.topology.generate.nodes', 2, g.shape === 'mesh' ? 1000 : 100_000),
        seed: g.seed === undefined ? DEFAULTS.generate.seed : int(g.seed, '$.topology.generate.seed', 0),
        binSize: g.binSize === undefined ? DEFAULTS.generate.binSize : int(g.binSize, '$.topology.generate.binSize', 1, 64),
        shape: (g.shape as 'hive' | Shape | undefined) ?? DEFAULTS.generate.shape,
      },
    };
  } else topology = fail('$.topology', 'either {"snapshot": "file.json"} or {"generate": {"nodes": N}}', topo);

  const p = root.protocol === undefined ? {} : obj(root.protocol, '$.protocol');
  const keys = ['version', 'batchSize', 'frameSize', 'serverBatchTimeout', 'clientBatchTimeout', 'syncInitBackoff', 'neighbourhoodSize', 'syncWithinDepthOnly', 'roundtrip', 'streamState', 'redialDelay', 'needDataCache', 'dedupInFlight', 'autostart', 'latentDefects', 'mutants'];
  only(p, '$.protocol', keys);
  if (p.version !== undefined && p.version !== 'head' && p.version !== 'pr1538') fail('$.protocol.version', '"head" or "pr1538"', p.version);
  const d = protocolDefaults((p.version as 'head' | 'pr1538' | undefined) ?? 'head');
  const list = <T extends string>(v: unknown, path: string, known: readonly T[]): T[] => {
    if (!Array.isArray(v)) return fail(path, `an array of names from ${known.join(', ')}`, v);
    return v.map((x, i) => (known.includes(x as T) ? (x as T) : fail(`${path}[${i}]`, `one of ${known.join(', ')}`, x)));
  };
  const protocol = {
    version: d.version,
    batchSize: p.batchSize === undefined ? d.batchSize : int(p.batchSize, '$.protocol.batchSize', 1, 4096),
    frameSize: p.frameSize === undefined ? d.frameSize : int(p.frameSize, '$.protocol.frameSize', 1, 4096),
    serverBatchTimeout: p.serverBatchTimeout === undefined ? d.serverBatchTimeout : dur(p.serverBatchTimeout, '$.protocol.serverBatchTimeout'),
    clientBatchTimeout: p.clientBatchTimeout === undefined ? d.clientBatchTimeout : dur(p.clientBatchTimeout, '$.protocol.clientBatchTimeout'),
    syncInitBackoff: p.syncInitBackoff === undefined ? d.syncInitBackoff : dur(p.syncInitBackoff, '$.protocol.syncInitBackoff'),
    neighbourhoodSize: p.neighbourhoodSize === undefined ? d.neighbourhoodSize : int(p.neighbourhoodSize, '$.protocol.neighbourhoodSize', 1, 64),
    syncWithinDepthOnly: p.syncWithinDepthOnly === undefined ? d.syncWithinDepthOnly : bool(p.syncWithinDepthOnly, '$.protocol.syncWithinDepthOnly'),
    roundtrip: p.roundtrip === undefined ? d.roundtrip : bool(p.roundtrip, '$.protocol.roundtrip'),
    streamState: p.streamState === undefined ? d.streamState : bool(p.streamState, '$.protocol.streamState'),
    needDataCache: p.needDataCache === undefined ? d.needDataCache : int(p.needDataCache, '$.protocol.needDataCache', 0),
    dedupInFlight: p.dedupInFlight === undefined ? d.dedupInFlight : bool(p.dedupInFlight, '$.protocol.dedupInFlight'),
    autostart: p.autostart === undefined ? d.autostart : bool(p.autostart, '$.protocol.autostart'),
    latentDefects: p.latentDefects === undefined ? d.latentDefects : list<LatentDefect>(p.latentDefects, '$.protocol.latentDefects', LATENT_DEFECTS),
    mutants: p.mutants === undefined ? d.mutants : list<Mutant>(p.mutants, '$.protocol.mutants', MUTANTS),
    redialDelay: p.redialDelay === undefined ? DEFAULTS.redialDelay : p.redialDelay === null ? null : dur(p.redialDelay, '$.protocol.redialDelay'),
  };

  const l = root.links === undefined ? {} : obj(root.links, '$.links');
  only(l, '$.links', ['latency', 'bandwidth', 'processing']);
  const links: LinkModel = {
    latency: parseLatency(l.latency ?? DEFAULTS.links.latency, '$.links.latency', dur, fail),
    bandwidth: parseBandwidth(l.bandwidth ?? DEFAULTS.links.bandwidth) ?? fail('$.links.bandwidth', 'a bandwidth such as "10MB/s" (B/s, KB/s, MB/s, GB/s, KiB/s, MiB/s, GiB/s) or "unlimited"', l.bandwidth),
    processing: dur(l.processing ?? DEFAULTS.links.processing, '$.links.processing'),
  };

  const evs = root.events === undefined ? [] : Array.isArray(root.events) ? root.events : fail('$.events', 'an array of events', root.events);
  const events = evs.map((e, i) => parseEvent(e, `$.events[${i}]`, { fail, obj, only, int, dur }));

  const r = root.run === undefined ? {} : obj(root.run, '$.run');
  only(r, '$.run', ['until', 'maxTime', 'convergeWithin']);
  const convergeWithin = r.convergeWithin === undefined || r.convergeWithin === null ? null : dur(r.convergeWithin, '$.run.convergeWithin');
  const until = r.until === undefined || r.until === 'quiescent' ? 'quiescent' : dur(r.until, '$.run.until');
  const maxTime = dur(r.maxTime ?? DEFAULTS.run.maxTime, '$.run.maxTime');

  const x = root.expect === undefined ? {} : obj(root.expect, '$.expect');
  only(x, '$.expect', ['verdict', 'maxDuplicates', 'maxDrops']);
  if (x.verdict !== undefined && x.verdict !== 'pass' && x.verdict !== 'fail') fail('$.expect.verdict', '"pass" or "fail"', x.verdict);
  return {
    name,
    description: root.description === undefined ? '' : str(root.description, '$.description'),
    file,
    seed: root.seed === undefined ? DEFAULTS.seed : int(root.seed, '$.seed', 0),
    topology,
    protocol,
    links,
    events,
    run: { until, maxTime, convergeWithin },
    expect: {
      verdict: (x.verdict as 'pass' | 'fail' | undefined) ?? DEFAULTS.expect.verdict,
      maxDuplicates: x.maxDuplicates === undefined ? DEFAULTS.expect.maxDuplicates : int(x.maxDuplicates, '$.expect.maxDuplicates', 0),
      maxDrops: x.maxDrops === undefined ? DEFAULTS.expect.maxDrops : int(x.maxDrops, '$.expect.maxDrops', 0),
    },
  };
}

type Fail = (path: string, expected: string, got?: unknown) => never;

function parseLatency(v: unknown, path: string, dur: (v: unknown, p: string) => Micros, fail: Fail): Latency {
  if (typeof v === 'string') return { constant: dur(v, path) };
  if (isObj(v) && Object.keys(v).length === 1 && Array.isArray(v.uniform) && v.uniform.length === 2) {
    const lo = dur(v.uniform[0], `${path}.uniform[0]`);
    const hi = dur(v.uniform[1], `${path}.uniform[1]`);
    if (hi < lo) fail(`${path}.uniform[1]`, `at least uniform[0] (${String(v.uniform[0])})`, v.uniform[1]);
    return { uniform: [lo, hi] };
  }
  return fail(path, 'a duration such as "20ms" or {"uniform": ["5ms", "50ms"]}', v);
}

interface Parsers {
  fail: Fail;
  obj: (v: unknown, path: string) => Obj;
  only: (o: Obj, path: string, keys: readonly string[]) => void;
  int: (v: unknown, path: string, min: number, max?: number) => number;
  dur: (v: unknown, path: string) => Micros;
}

const VERBS = ['upload', 'disconnect', 'connect', 'stop', 'start', 'pause', 'resume', 'remove', 'links', 'partition', 'heal', 'churn'] as const;

function parseEvent(e: unknown, path: string, p: Parsers): TimedAction {
  const o = p.obj(e, path);
  const verbs = Object.keys(o).filter((k) => k !== 'at');
  for (const k of verbs) if (!(VERBS as readonly string[]).includes(k)) p.fail(`${path}.${k}`, `one of at, ${VERBS.join(', ')}`, k);
  if (verbs.length !== 1) p.fail(path, `"at" and exactly one of ${VERBS.join(', ')}`, verbs.join(','));
  const at = p.dur(o.at, `${path}.at`);
  const verb = verbs[0] as (typeof VERBS)[number];
  const body = p.obj(o[verb], `${path}.${verb}`);
  const ref = (k: string): NodeRef => {
    const v = body[k];
    if (Number.isInteger(v) && (v as number) >= 0) return v as number;
    if (v === 'random' || (typeof v === 'string' && /^[0-9a-fA-F]{1,64}$/.test(v))) return (v as string).toLowerCase();
    return p.fail(`${path}.${verb}.${k}`, 'a node index, a unique id hex prefix, or "random"', v);
  };
  const bp = `${path}.${verb}`;
  switch (verb) {
    case 'upload':
      p.only(body, bp, ['node', 'chunks']);
      return { at, action: { upload: { node: ref('node'), chunks: p.int(body.chunks, `${bp}.chunks`, 1, 10_000_000) } } };
    case 'connect':
    case 'disconnect': {
      p.only(body, bp, ['a', 'b']);
      const pair = { a: ref('a'), b: ref('b') };
      return { at, action: verb === 'connect' ? { connect: pair } : { disconnect: pair } };
    }
    case 'remove': {
      p.only(body, bp, ['node', 'chunks', 'restore']);
      if (body.restore !== undefined && typeof body.restore !== 'boolean') p.fail(`${bp}.restore`, 'true or false', body.restore);
      if (!Array.isArray(body.chunks)) p.fail(`${bp}.chunks`, 'an array of [from, to) index ranges into the uploaded chunks', body.chunks);
      const ranges = (body.chunks as unknown[]).map((r, i): [number, number] => {
        if (!Array.isArray(r) || r.length !== 2) return p.fail(`${bp}.chunks[${i}]`, 'a [from, to) pair of chunk indexes', r);
        const from = p.int(r[0], `${bp}.chunks[${i}][0]`, 0);
        return [from, p.int(r[1], `${bp}.chunks[${i}][1]`, from)];
      });
      return { at, action: { remove: { node: ref('node'), chunks: ranges, restore: body.restore === true } } };
    }
    case 'links': {
      p.only(body, bp, ['a', 'b', 'node', 'latency', 'bandwidth', 'processing', 'for']);
      const change: LinkChange = {};
      if ('a' in body || 'b' in body) {
        if (!('a' in body && 'b' in body) || 'node' in body) p.fail(bp, 'either "a" and "b" (one link), "node" (its links), or neither (all links)');
        change.a = ref('a');
        change.b = ref('b');
      } else if ('node' in body) change.node = ref('node');
      if (body.latency !== undefined) change.latency = parseLatency(body.latency, `${bp}.latency`, p.dur, p.fail);
      if (body.bandwidth !== undefined) change.bandwidth = parseBandwidth(body.bandwidth) ?? p.fail(`${bp}.bandwidth`, 'a bandwidth such as "1MB/s" or "unlimited"', body.bandwidth);
      if (body.processing !== undefined) change.processing = p.dur(body.processing, `${bp}.processing`);
      if (body.for !== undefined) change.for = p.dur(body.for, `${bp}.for`);
      if (change.latency === undefined && change.bandwidth === undefined && change.processing === undefined) p.fail(bp, 'at least one of latency, bandwidth, processing');
      return { at, action: { links: change } };
    }
    case 'partition': {
      p.only(body, bp, ['groups', 'halves']);
      if (body.halves === true && body.groups === undefined) return { at, action: { partition: { halves: true } } };
      const groups = body.groups;
      if (!Array.isArray(groups) || groups.length < 2 || !groups.every((g) => Array.isArray(g) && g.length > 0)) {
        return p.fail(`${bp}.groups`, 'two or more non-empty arrays of node references (or "halves": true)', groups);
      }
      const refs = (groups as unknown[][]).map((g, gi) =>
        g.map((v, i) => (Number.isInteger(v) && (v as number) >= 0) || (typeof v === 'string' && /^[0-9a-fA-F]{1,64}$/.test(v)) ? (typeof v === 'string' ? v.toLowerCase() : (v as number)) : p.fail(`${bp}.groups[${gi}][${i}]`, 'a node index or a unique id hex prefix', v)),
      );
      return { at, action: { partition: { groups: refs } } };
    }
    case 'heal':
      p.only(body, bp, []);
      return { at, action: { heal: {} } };
    case 'churn': {
      p.only(body, bp, ['rate', 'downtime', 'until']);
      const m = typeof body.rate === 'string' ? /^(\d+(?:\.\d+)?)\/(s|m)$/.exec(body.rate) : null;
      const rate = m ? Number(m[1]) / (m[2] === 'm' ? 60 : 1) : p.fail(`${bp}.rate`, 'stops per time such as "0.5/s" or "6/m"', body.rate);
      if (!(rate > 0 && rate <= 1000)) p.fail(`${bp}.rate`, 'a rate above 0 and at most 1000/s', body.rate);
      const dt = body.downtime;
      const downtime: [Micros, Micros] = Array.isArray(dt) && dt.length === 2 ? [p.dur(dt[0], `${bp}.downtime[0]`), p.dur(dt[1], `${bp}.downtime[1]`)] : [p.dur(dt, `${bp}.downtime`), p.dur(dt, `${bp}.downtime`)];
      if (downtime[1] < downtime[0]) p.fail(`${bp}.downtime[1]`, 'at least downtime[0]', dt);
      const until = p.dur(body.until, `${bp}.until`);
      if (until <= at) p.fail(`${bp}.until`, `a time after "at"`, body.until);
      return { at, action: { churn: { rate, downtime, until } } };
    }
    default: {
      p.only(body, bp, ['node']);
      const node = { node: ref('node') };
      if (verb === 'stop') return { at, action: { stop: node } };
      if (verb === 'start') return { at, action: { start: node } };
      if (verb === 'pause') return { at, action: { pause: node } };
      return { at, action: { resume: node } };
    }
  }
}
