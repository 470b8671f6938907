import type { Micros } from '../../core/units.js';
import type { Verdict } from '../../check/verdict.js';
import type { WorldObserver } from '../../sim/observer.js';
import { fromPlain, type PlainTopology } from '../../topology/plain.js';
import type { Topology } from '../../topology/topology.js';
import { scenarioOn } from '../loader.js';
import { runScenario } from '../runner.js';
import type { UploadRecord } from './explicit.js';

/** One candidate run as a worker gets it: a scenario file's JSON, its topology, the seed. */
export interface ProbeRequest {
  json: unknown;
  topology: PlainTopology;
  seed: number;
  /** the property whose first violation the probe describes (none: the one chooseProperty picks) */
  property?: string | undefined;
  /** record every uploaded chunk's address and node (the first run's, for explicit uploads) */
  uploads?: boolean;
  /**
   * the same scenario without the mutant: run too when the candidate shows the property (or, without a property,
   * always), so a failure that is not the mutant's can be told apart
   */
  baseline?: unknown;
}

/** What a run shows: its violations by kind and whether it ended quiescent. */
export interface Shown {
  /** violations by kind, every one counted (duplicates and drops too, whatever the scenario tolerates) */
  kinds: Record<string, number>;
  quiescent: boolean;
}

/** What a shrink needs to know of a run. */
export interface Probe extends Shown {
  /** the property described: the request's, or the one chosen (undefined: the run shows no violation it can shrink) */
  property: string | undefined;
  endMicros: Micros;
  /** what the run without the mutant shows (when it was run) */
  baseline?: Shown;
  /** the property's earliest violation (ties: the checker's order), nodes and chunks by address */
  first?: { at: Micros; node?: string; chunk?: string; detail: string };
  /** the area of responsibility of that violation's chunk at the end: node addresses */
  aor: string[];
  uploads?: UploadRecord[];
}

/**
 * The order that picks the property when a run breaks several and none is named: the most serious first. Kinds
 * this list does not name (a protocol's own) come after "offer", in name order.
 */
export const PROPERTY_ORDER = ['missing', 'liveness', 'exclusion', 'range', 'offer', 'drop', 'duplicate'];

/**
 * The property a shrink keeps when none is named: the first of PROPERTY_ORDER the run shows (kinds it does not list
 * rank after "offer", by name), preferring one the run without the mutant does not show; a run that did not end
 * quiescent can only be shrunk as a liveness failure.
 */
export function chooseProperty(run: Shown, baseline?: Shown): string | undefined {
  const shown = Object.keys(run.kinds).filter((k) => k !== 'vacuous' && shows(run, k));
  const rank = (k: string): number => (PROPERTY_ORDER.includes(k) ? PROPERTY_ORDER.indexOf(k) * 2 : PROPERTY_ORDER.indexOf('offer') * 2 + 1);
  const ordered = shown.sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
  return ordered.find((k) => !baseline || !shows(baseline, k)) ?? ordered[0];
}

/**
 * A run shows a property when it has at least one violation of it and ended quiescent within its time bound (a
 * run cut at the bound proves only liveness: its other checks judged an unfinished run).
 */
export function shows(r: Shown, property: string): boolean {
  return (r.kinds[property] ?? 0) > 0 && (r.quiescent || property === 'liveness');
}

/** A candidate still fails: it shows the property, and the same candidate without the mutant (when run) does not. */
export function stillFails(p: Probe, property: string): boolean {
  return shows(p, property) && !(p.baseline && shows(p.baseline, property));
}

export function runProbe(req: ProbeRequest): Probe {
  const topology = fromPlain(req.topology);
  const { scenario } = scenarioOn(req.json, 'candidate.json', topology);
  const stored: number[] = [];
  const uploadsSeen: WorldObserver = { uploaded: (node, chunk) => void (stored[chunk] = node) };
  const o = runScenario(scenario, topology, { seed: req.seed, details: false, ...(req.uploads ? { observers: [uploadsSeen] } : {}) });
  const v = o.verdict;
  const run: Shown = { kinds: kindsOf(v), quiescent: v.quiescent };
  const baseline = req.baseline !== undefined && (req.property === undefined || shows(run, req.property)) ? shownBy(req.baseline, topology, req.seed) : undefined;
  const property = req.property ?? chooseProperty(run, baseline);
  const probe: Probe = { property, ...run, endMicros: o.world.now, aor: [], ...(baseline ? { baseline } : {}) };
  const chunkHex = (c: number) => o.world.chunks.hex(c);
  if (property !== undefined) {
    const mine = v.violations.filter((x) => x.kind === property);
    const first = mine.reduce<(typeof mine)[number] | undefined>((best, x) => (best === undefined || x.at < best.at ? x : best), undefined);
    if (first) {
      probe.first = { at: first.at, detail: first.detail, ...(first.node !== undefined ? { node: topology.ids[first.node]! } : {}), ...(first.chunk !== undefined ? { chunk: chunkHex(first.chunk) } : {}) };
      if (first.chunk !== undefined) {
        const { node, chunk } = v.pairs;
        for (let i = 0; i < chunk.length; i++) if (chunk[i] === first.chunk) probe.aor.push(topology.ids[node[i]!]!);
      }
    }
  }
  if (req.uploads) probe.uploads = o.uploaded.map((c) => ({ address: chunkHex(c), node: stored[c] === undefined ? null : topology.ids[stored[c]!]! }));
  return probe;
}

function shownBy(json: unknown, topology: Topology, seed: number): Shown {
  const v = runScenario(scenarioOn(json, 'baseline.json', topology).scenario, topology, { seed, details: false }).verdict;
  return { kinds: kindsOf(v), quiescent: v.quiescent };
}

/** Every violation counted by kind: the listed ones, or the count beyond the list where the checker kept one. */
export function kindsOf(v: Verdict): Record<string, number> {
  const kinds: Record<string, number> = {};
  for (const x of v.violations) kinds[x.kind] = (kinds[x.kind] ?? 0) + 1;
  for (const [k, n] of Object.entries(v.truncated)) if (n !== undefined && n > (kinds[k] ?? 0)) kinds[k] = n;
  if (v.duplicates > (kinds.duplicate ?? 0)) kinds.duplicate = v.duplicates;
  return kinds;
}
