import { checks as beeChecks, type BeeCheckParams } from '../check/bee/checks.js';
import { BeeDiagnosis, type BeeDiagnosisParts } from '../check/bee/diagnosis.js';
import { checks as streamChecks, type StreamCheckParams } from '../check/stream/checks.js';
import type { ChecksModule } from '../check/properties.js';
import { Diagnosis, type DiagnosisJson } from '../check/stream/diagnosis.js';
import { StreamSubscriptionTrace, type SubscriptionChangeOf, type SubscriptionTrace } from '../check/stream/sub-trace.js';
import type { AddressTable } from '../topology/address.js';
import type { Protocol, WireMessage } from '../protocol/api.js';
import { beeProtocol } from '../protocol/bee/plugin.js';
import { streamProtocol } from '../protocol/stream/plugin.js';
import type { WorldObserver } from '../sim/observer.js';
import type { Scenario } from './schema.js';

/** What a run's report observers saw (result.json's diagnosis, less what the runner adds): a protocol's own parts. */
export type DiagnosisParts = DiagnosisJson | BeeDiagnosisParts;

/** The report's own observers of a run, beside the checkers. */
export interface RunDiagnosis extends WorldObserver {
  /** after the run: settles what is pending and returns the plain data */
  toJSON(hexChunk: (c: number) => string): DiagnosisParts;
}

/** A scenario's protocol bound to its parts: the plug-in the world runs, and the check module that judges it. */
export interface Binding {
  protocol: Protocol<WireMessage>;
  checks: {
    module: ChecksModule;
    /** the module's URL, for the check thread to import */
    url: string;
    params: unknown;
  };
  /** what a node's responsibility threshold is called (violations say it) */
  thresholdName: string;
  /** the report's own observers of a run (runs that write a result file) */
  diagnosis(addrs: AddressTable, nodes: number, up: readonly boolean[]): RunDiagnosis;
  /** the protocol's subscription changes for a trace, told to `emit` (stream!: StreamInfoReqs and derived quits) */
  subscriptions(addrs: AddressTable, nodes: number, emit: (c: SubscriptionChangeOf) => void): SubscriptionTrace;
}

/** The protocol `protocol.kind` names, with the scenario's settings. */
export function bindProtocol(s: Scenario): Binding {
  const p = s.protocol;
  if (p.kind === 'bee') {
    const params: BeeCheckParams = { capacity: p.capacity, minimumRadius: p.minimumRadius, networkRadius: p.networkRadius, histRateWindow: p.histRateWindow, maxOutOfRadius: s.expect.maxOutOfRadius ?? null };
    return {
      protocol: beeProtocol(p) as unknown as Protocol<WireMessage>,
      checks: { module: beeChecks as ChecksModule, url: new URL('../check/bee/checks.js', import.meta.url).href, params },
      thresholdName: 'radius',
      diagnosis: (addrs, nodes, up) => new BeeDiagnosis(addrs, nodes, p.neighbourhoodSize, p.capacity, up),
      // Bee subscribes to no streams: its puller's bins per peer show in the trace as its Get requests
      subscriptions: () => ({ settled: () => undefined }),
    };
  }
  const params: StreamCheckParams = { neighbourhoodSize: p.neighbourhoodSize, onlyWithinDepth: p.syncWithinDepthOnly, batchSize: p.batchSize };
  return {
    protocol: streamProtocol(p) as unknown as Protocol<WireMessage>,
    checks: { module: streamChecks as ChecksModule, url: new URL('../check/stream/checks.js', import.meta.url).href, params },
    thresholdName: 'depth',
    diagnosis: (addrs, nodes) => new Diagnosis(addrs, nodes, { neighbourhoodSize: p.neighbourhoodSize, onlyWithinDepth: p.syncWithinDepthOnly, clientBatchTimeout: p.clientBatchTimeout }),
    subscriptions: (addrs, nodes, emit) => new StreamSubscriptionTrace(addrs, nodes, p.syncWithinDepthOnly, emit),
  };
}
