import { UsageError } from '../core/errors.js';
import { BEE_MUTANTS, type BeeMutant } from '../protocol/bee/options.js';
import { LATENT_DEFECTS, MUTANTS, type LatentDefect, type Mutant } from '../protocol/stream/options.js';
import type { Scenario } from './schema.js';

/** Everything `--mutant` accepts: stream!'s re-introduced bugs, HEAD's latent defects and the section-7 race; Bee's bugs. */
export const MUTANT_NAMES = [...MUTANTS, ...LATENT_DEFECTS, 'race', ...BEE_MUTANTS] as const;
const STREAM_NAMES: readonly string[] = [...MUTANTS, ...LATENT_DEFECTS, 'race'];
export type MutantName = (typeof MUTANT_NAMES)[number];

/** One entry of the mutation table: which bug, where it shows, and what the Go history says about it. */
export interface MutantCase {
  name: MutantName;
  what: string;
  /** scenario file, relative to the repository's scenarios/ folder */
  scenario: string;
  /** false where the mutant is known to change nothing the checker can see (an equivalent mutant) */
  expectCaught: boolean;
}

/** PROTOCOL.md §10; the scenarios live in scenarios/mutants/ (and scenarios/ for the 64-node one). */
export const MUTANT_CASES: readonly MutantCase[] = [
  { name: 'B1', what: 'history batch includes the first ID past To', scenario: 'mutants/window-removal.json', expectCaught: true },
  { name: 'B2', what: 'history GetRange without To: history and live ranges overlap', scenario: 'mutants/window-removal.json', expectCaught: true },
  { name: '1952', what: 'no WantStream check on offers and deliveries', scenario: 'mutants/leaf-oscillation.json', expectCaught: true },
  { name: '2095', what: 'missing return: two WantedHashes for one offer', scenario: 'mutants/leaf-oscillation.json', expectCaught: true },
  { name: '2107', what: 'a second GetRange chain on the same stream', scenario: 'mutants/leaf-oscillation.json', expectCaught: true },
  { name: '2113', what: 'no server guard against a second concurrent GetRange', scenario: 'mutants/leaf-oscillation.json', expectCaught: false },
  { name: 'L1', what: 'server guard not cleared after an empty offer', scenario: 'mutants/window-removal.json', expectCaught: true },
  { name: 'L2', what: 'client guard left behind when a stream becomes unwanted', scenario: 'mutants/leaf-oscillation.json', expectCaught: true },
  { name: 'L3', what: 'depth change missed during peer init', scenario: 'mutants/new-peer-window.json', expectCaught: true },
  { name: '1972', what: 'at most 3 PO-0 peers synced', scenario: 'depth-oscillation-64.json', expectCaught: true },
  { name: 'L6', what: 'NeedData cache never forgets a removed chunk', scenario: 'mutants/restore-after-removal.json', expectCaught: true },
  { name: 'race', what: 'the faithful protocol: concurrent offers of one chunk are both wanted (no dedupInFlight)', scenario: 'mutants/offer-race.json', expectCaught: true },
  // Bee (docs/bee.md, "Mutants"): each on a scenario with the fault that exposes it
  { name: 'bee-3700', what: 'sync peers by Kademlia depth and a client that wants all it lacks (issue 3700)', scenario: 'mutants/bee-3700.json', expectCaught: true },
  { name: 'bee-3643', what: 'no recalculation when the puller starts and no ticker (PR 3643)', scenario: 'mutants/bee-3643.json', expectCaught: true },
  { name: 'bee-4290', what: "a peer's epoch ignored: a wiped peer's intervals never reset (PR 4290)", scenario: 'mutants/bee-4290.json', expectCaught: true },
  { name: 'bee-4337', what: 'a chunk the server cannot read aborts the exchange (issue 4337)', scenario: 'mutants/bee-4337.json', expectCaught: true },
  { name: 'bee-4443', what: 'cursors fetched one peer after the other (issue 4442, PR 4443)', scenario: 'mutants/bee-4443.json', expectCaught: true },
  { name: 'bee-3444', what: 'a Sync error ends its worker for good (issue 3445, PR 3444)', scenario: 'mutants/bee-3444.json', expectCaught: true },
];

/** The unmutated protocol of a scenario: no mutant, no latent defect (stream!: HEAD with L1, L2, L6 fixed). */
export function unmutated(s: Scenario): Scenario {
  if (s.protocol.kind === 'bee') return { ...s, protocol: { ...s.protocol, mutants: [] } };
  return { ...s, protocol: { ...s.protocol, mutants: [], latentDefects: [] } };
}

/** The scenario with one mutant switched on (on top of whatever the scenario already has); a mutant of its protocol only. */
export function withMutant(s: Scenario, name: string): Scenario {
  const bee = (BEE_MUTANTS as readonly string[]).includes(name);
  if (s.protocol.kind === 'bee' || bee) {
    if (s.protocol.kind !== 'bee' || !bee) {
      const [names, kind] = s.protocol.kind === 'bee' ? [BEE_MUTANTS, 'bee'] : [STREAM_NAMES, 'stream'];
      throw new UsageError('command line', '--mutant', `a mutant of protocol.kind "${kind}" (${s.file} runs ${kind}: one of ${names.join(', ')})`, JSON.stringify(name));
    }
    const mutants = s.protocol.mutants.includes(name as BeeMutant) ? s.protocol.mutants : [...s.protocol.mutants, name as BeeMutant];
    return { ...s, protocol: { ...s.protocol, mutants } };
  }
  const p = { ...s.protocol, mutants: [...s.protocol.mutants], latentDefects: [...s.protocol.latentDefects] };
  if ((MUTANTS as readonly string[]).includes(name)) {
    if (!p.mutants.includes(name as Mutant)) p.mutants.push(name as Mutant);
  } else if ((LATENT_DEFECTS as readonly string[]).includes(name)) {
    if (!p.latentDefects.includes(name as LatentDefect)) p.latentDefects.push(name as LatentDefect);
  } else if (name === 'race') p.dedupInFlight = false;
  else throw new UsageError('command line', '--mutant', `one of ${MUTANT_NAMES.join(', ')}`, JSON.stringify(name));
  return { ...s, protocol: p };
}
