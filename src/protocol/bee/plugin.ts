import { SECOND } from '../../core/units.js';
import type { NodeFacts, Protocol } from '../api.js';
import { BEE_MSG_NAMES, BeeMsg, PLACEHOLDER, wireSize, type BeeMessage } from './messages.js';
import { proximity } from './bins.js';
import { describe } from './describe.js';
import { BeeNode } from './node.js';
import type { BeeObserver } from './observer.js';
import type { BeeOptions } from './options.js';

/** The names of the states a Bee node announces through NodeFacts.state (the checkers observe them). */
export const BeeState = {
  /** the storage radius; the cause is a RadiusCause */
  radius: 'radius',
  /** a postage batch expired at the node: the value is the batch */
  expired: 'expired',
} as const;

/** A Bee node's facts as the world's: stores, removals with their cause, the radius and batch expiries as states. */
function factsObserver(facts: NodeFacts): BeeObserver {
  return {
    stored: (node, chunk) => facts.stored(node, chunk),
    removed: (node, chunk, cause) => facts.removed(node, chunk, cause),
    radius: (node, radius, _t, cause) => facts.state?.(node, BeeState.radius, radius, cause),
    expired: (node, batch) => facts.state?.(node, BeeState.expired, batch, 'expiry'),
  };
}

/**
 * Bee's pull sync (docs/bee.md) as the world plugs it in. A Bee network never drains its queue (every node's
 * 5-minute puller ticker and 15-minute reserve worker tick for ever, and live workers keep a Get parked at each
 * peer), so it is quiescent when no up node has sync work pending (`BeeNode.pending`), probed every second.
 */
export function beeProtocol(opts: BeeOptions): Protocol<BeeMessage, BeeNode> {
  // a Delivery carries one chunk: the world reads it before the next message, so one buffer serves them all
  const one = new Float64Array(1);
  return {
    kind: 'bee',
    messageNames: BEE_MSG_NAMES,
    wireSize,
    delivered: (m) => {
      if (m.type !== BeeMsg.Delivery || m.chunk === PLACEHOLDER) return undefined;
      one[0] = m.chunk;
      return one;
    },
    exchange: (m) => m.stream,
    describe,
    binOf: proximity,
    quiescence: 'pending',
    probeEvery: SECOND,
    createNode: (s) => new BeeNode(s.id, s.head, s.chunks, opts, s.env, s.draws, factsObserver(s.facts)),
  };
}
