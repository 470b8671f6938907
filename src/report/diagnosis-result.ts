import type { BeeDiagnosisJson } from '../check/bee/diagnosis.js';
import type { DepthJson } from '../check/depth-log.js';
import type { DropsJson } from '../check/drops.js';
import type { DuplicateCausesJson } from '../check/stream/dup-causes.js';
import type { SubscriptionsJson } from '../check/stream/subscription-log.js';
import type { RunOutcome } from '../scenario/runner.js';
import type { FaultWindow } from '../scenario/faults.js';

/**
 * result.json's `diagnosis`: what a report needs to say why a run went as it did. Absent from result files
 * written before it (the report then leaves its sections out). Depth and drops for every protocol; subscriptions
 * and the causes of duplicates for stream!, radius and reserve for Bee.
 */
export interface DiagnosisResult {
  depth: DepthJson;
  drops: DropsJson;
  /** stream! only: bins asked for and quit over time */
  subscriptions?: SubscriptionsJson;
  /** stream! only: why duplicates happened, from the wire */
  duplicates?: DuplicateCausesJson;
  /** Bee only: radius and reserve over time, removals by cause */
  bee?: BeeDiagnosisJson;
  /** the scenario's faults as windows, in the scenario's units; `dropped`: windows not kept */
  faults: { windows: FaultWindow[]; dropped: number };
  /** per node: AoR pairs not held at the end */
  missing: number[];
  /** per node: duplicate deliveries as the checker counted them */
  duplicatesByNode: number[];
  /** [node, sender, duplicates]: the senders of each node's duplicate copies, most first, at most 3 a node */
  duplicateSenders: [number, number, number][];
}

/** The diagnosis part of a run's result (undefined when the run was made without details). */
export function buildDiagnosis(o: RunOutcome, hexChunk: (c: number) => string): DiagnosisResult | undefined {
  if (!o.diagnosis) return undefined;
  const n = o.world.nodes.length;
  const pairs = o.verdict.pairs;
  const missing = new Array<number>(n).fill(0);
  for (let i = 0; i < pairs.node.length; i++) if (pairs.storedAt[i]! < 0) missing[pairs.node[i]!]!++;
  return {
    faults: { windows: o.faults.windows, dropped: o.faults.dropped },
    ...o.diagnosis.toJSON(hexChunk),
    missing,
    duplicatesByNode: Array.from(o.checks.duplicatesByNode),
    duplicateSenders: o.checks.duplicateSenders,
  };
}
