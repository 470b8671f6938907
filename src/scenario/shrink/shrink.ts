import { explicitUploads } from './explicit.js';
import { afterViolation, chunks, faults, jitter, nodes } from './passes.js';
import type { Search } from './search.js';
import { smaller, sizeOf } from './state.js';

/** The seeds a shrink tries besides its own, once the scenario is small. */
export const OTHER_SEEDS = [1, 2, 3, 4, 5];

/** The passes, in the order that removes most first. */
const PASSES = [afterViolation, faults, chunks, nodes];

/**
 * Shrinks the search's failing state: uploads written out chunk by chunk (when the first run's record of them
 * reproduces), then the passes to a fixed point; then no jitter, and a handful of other seeds, each reduced to its
 * own fixed point and kept only when it ends smaller. Every accepted state still fails; the search holds the last.
 */
export async function shrink(x: Search): Promise<void> {
  x.begin('explicit uploads');
  const record = x.probe.uploads;
  if (record) await x.try([() => explicitUploads(x.state, record)]);
  await fixedPoint(x);
  if (await jitter(x)) await fixedPoint(x);
  for (const seed of OTHER_SEEDS) {
    if (seed === x.state.seed || x.tester.spent) continue;
    const saved = { state: x.state, probe: x.probe, history: x.history.length };
    x.begin(`seed ${seed}`);
    if (!(await x.try([() => ({ ...x.state, seed })]))) continue;
    await fixedPoint(x);
    if (smaller(sizeOf(x.state), sizeOf(saved.state))) continue;
    x.state = saved.state;
    x.probe = saved.probe;
    x.history.length = saved.history;
  }
}

/** Every pass again until a whole round changes nothing (or the run budget is spent). */
async function fixedPoint(x: Search): Promise<void> {
  for (;;) {
    let changed = false;
    for (const pass of PASSES) if (await pass(x)) changed = true;
    if (!changed || x.tester.spent) return;
  }
}
