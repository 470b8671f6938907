import type { RunOutcome } from '../../src/scenario/runner.js';

/** Everything a run's consumers read of its checkers, as one comparable string (a run judged here or in a check thread). */
export function judged(o: RunOutcome): string {
  const v = o.verdict;
  const c = o.checks;
  return JSON.stringify({
    verdict: { ...v, pairs: [Array.from(v.pairs.node), Array.from(v.pairs.chunk), Array.from(v.pairs.storedAt)] },
    checks: { ...c, curves: c.curves && [Array.from(c.curves.beyond), Array.from(c.curves.latencies)] },
  });
}
