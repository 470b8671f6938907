import { checks as streamChecks, type StreamCheckParams } from '../check/stream/checks.js';
import type { ChecksModule } from '../check/properties.js';
import { Diagnosis } from '../check/stream/diagnosis.js';
import { StreamSubscriptionTrace, type SubscriptionChangeOf, type SubscriptionTrace } from '../check/stream/sub-trace.js';
import type { AddressTable } from '../topology/address.js';
import type { Protocol, WireMessage } from '../protocol/api.js';
import { streamProtocol } from '../protocol/stream/plugin.js';
import type { Scenario } from './schema.js';

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
  diagnosis(addrs: AddressTable, nodes: number): Diagnosis;
  /** the protocol's subscription changes for a trace, told to `emit` (stream!: StreamInfoReqs and derived quits) */
  subscriptions(addrs: AddressTable, nodes: number, emit: (c: SubscriptionChangeOf) => void): SubscriptionTrace;
}

/** The protocol `protocol.kind` names, with the scenario's settings. */
export function bindProtocol(s: Scenario): Binding {
  const p = s.protocol;
  const params: StreamCheckParams = { neighbourhoodSize: p.neighbourhoodSize, onlyWithinDepth: p.syncWithinDepthOnly, batchSize: p.batchSize };
  return {
    protocol: streamProtocol(p) as unknown as Protocol<WireMessage>,
    checks: { module: streamChecks as ChecksModule, url: new URL('../check/stream/checks.js', import.meta.url).href, params },
    thresholdName: 'depth',
    diagnosis: (addrs, nodes) => new Diagnosis(addrs, nodes, { neighbourhoodSize: p.neighbourhoodSize, onlyWithinDepth: p.syncWithinDepthOnly, clientBatchTimeout: p.clientBatchTimeout }),
    subscriptions: (addrs, nodes, emit) => new StreamSubscriptionTrace(addrs, nodes, p.syncWithinDepthOnly, emit),
  };
}
