import type { Protocol } from '../api.js';
import { po16 } from '../../topology/address.js';
import { describe } from './describe.js';
import { MSG_NAMES, MsgType, wireSize, type Message } from './messages.js';
import { SyncNode } from './node.js';
import type { ProtocolOptions } from './options.js';

/** stream!, the Go client's pull sync, as the world plugs it in. */
export function streamProtocol(opts: ProtocolOptions): Protocol<Message, SyncNode> {
  return {
    kind: 'stream',
    messageNames: MSG_NAMES,
    wireSize,
    delivered: (m) => (m.type === MsgType.ChunkDelivery ? m.chunks : undefined),
    exchange: (m) => ('ruid' in m ? m.ruid : 0),
    describe,
    binOf: po16,
    quiescence: 'queue',
    // a ChunkDelivery's handler puts its chunks before it blocks anywhere: they count as arrived when stored
    receiveCost: (m, c) => c.handler + (m.type === MsgType.ChunkDelivery ? c.put * m.chunks.length : 0),
    createNode: (s) =>
      new SyncNode(s.id, s.head, s.chunks, opts, s.env, s.draws, { stored: (node, chunk) => s.facts.stored(node, chunk), removed: (node, chunk) => s.facts.removed(node, chunk) }, s.removals, s.costs),
  };
}
