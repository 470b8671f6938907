import { durationText, eventsJson, latencyJson } from '../emit.js';
import type { State } from './state.js';
import type { Scenario } from '../schema.js';

/** Where a shrunk scenario came from: its `shrunk` key, which also marks the file as pullsim's output. */
export interface Provenance {
  /** the original scenario file, as the command line named it (relative to where the shrink ran) */
  from: string;
  seed: number;
  mutant?: string;
  /** the run had the fault mix `--swarm` draws for its seed (written out as events) */
  swarm?: boolean;
  property: string;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The keys a shrink writes itself; every other key of the original file is copied as it was. */
const OWN = ['pullsim', 'shrunk', 'name', 'description', 'seed', 'topology'];

/**
 * A shrunk state as a scenario file: `raw` (the original file) with the parts the shrink reduces written anew —
 * topology (`topology`, the section to write), seed, events, the latency of `links`, `run` (its maxTime the
 * shrink's time bound; a swarm run's liveness bound) — the mutant written into `protocol` (so the file alone reproduces), and `expect` saying the run
 * fails (no duplicate or drop tolerated when that is the property). Every other section and key is copied
 * unchanged, whatever it is: settings this code does not know survive a shrink.
 */
export function shrunkJson(st: State, raw: Obj, topology: unknown, p: Provenance): Obj {
  const s = st.scenario;
  const name = `${s.name.slice(0, 93)}-shrunk`;
  const out: Obj = {
    pullsim: 1,
    shrunk: { from: p.from, seed: p.seed, ...(p.mutant !== undefined ? { mutant: p.mutant } : {}), ...(p.swarm ? { swarm: true } : {}), property: p.property },
    name,
    description: `pullsim shrink of ${p.from} (seed ${p.seed}${p.mutant !== undefined ? `, mutant ${p.mutant}` : ''}${p.swarm ? ', swarm faults' : ''}): a smaller run that still shows a ${p.property} violation.`,
    seed: st.seed,
    topology,
  };
  const section = (k: string): Obj => (isObj(raw[k]) ? raw[k] : {});
  const own: Obj = {
    protocol: p.mutant === undefined ? raw.protocol : { ...section('protocol'), ...mutantKeys(s) },
    links: { ...section('links'), latency: latencyJson(s.links.latency) },
    events: eventsJson(s.events, st.topology),
    run: {
      ...section('run'),
      ...(s.run.until !== 'quiescent' ? { until: durationText(s.run.until) } : {}),
      maxTime: durationText(s.run.maxTime),
      ...(s.run.convergeWithin !== null ? { convergeWithin: durationText(s.run.convergeWithin) } : {}),
    },
    expect: { ...section('expect'), verdict: 'fail', ...(p.property === 'duplicate' ? { maxDuplicates: 0 } : {}), ...(p.property === 'drop' ? { maxDrops: 0 } : {}) },
  };
  for (const [k, v] of Object.entries(raw)) if (!OWN.includes(k)) out[k] = k in own ? own[k] : v;
  for (const [k, v] of Object.entries(own)) if (!(k in out) && v !== undefined) out[k] = v;
  return out;
}

/** The protocol keys a mutant sets, so the written file runs with it (stream!: also its latent defects and dedup). */
function mutantKeys(s: Scenario): Obj {
  const p = s.protocol;
  return p.kind === 'bee' ? { mutants: p.mutants } : { mutants: p.mutants, latentDefects: p.latentDefects, dedupInFlight: p.dedupInFlight };
}
