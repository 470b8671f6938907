import { UsageError } from '../../core/errors.js';
import { toPlain } from '../../topology/plain.js';
import { scenarioOn } from '../loader.js';
import { shrunkJson, type Provenance } from './file.js';
import type { ProbeRequest } from './probe.js';
import type { State } from './state.js';

/** The topology section of a candidate's file: a worker gets the topology itself, so the file only names one. */
const CANDIDATE_TOPOLOGY = { snapshot: 'snapshot.json' };

/**
 * A state as the run a worker makes of it (with `differential`, and a mutant, the same file without the mutant
 * too): the scenario file a shrink would write for it (so every candidate run
 * is a run of a file that parses, and the file written at the end runs as its candidate did), its topology and
 * seed. Undefined when that file would not be a valid scenario (a partition group left empty, a link change on a
 * pair no longer linked, ...).
 */
export function prepare(st: State, raw: Record<string, unknown>, p: Provenance, property: string | undefined, differential: boolean): ProbeRequest | undefined {
  const json = shrunkJson(st, raw, CANDIDATE_TOPOLOGY, p);
  try {
    scenarioOn(json, 'candidate.json', st.topology);
  } catch (e) {
    if (e instanceof UsageError) return undefined;
    throw e;
  }
  const { mutant: _, ...unmutated } = p;
  const baseline = differential && p.mutant !== undefined ? { baseline: shrunkJson(st, raw, CANDIDATE_TOPOLOGY, unmutated) } : {};
  return { json, topology: toPlain(st.topology), seed: st.seed, property, ...baseline };
}
