import type { MessageFields } from '../api.js';
import { decodeWants } from '../bitvector.js';
import { LIVE, MsgType, type Message } from './messages.js';

/** A stream's name as the Go client writes it: "SYNC|<bin>". */
export const streamName = (bin: number): string => `SYNC|${bin}`;

/**
 * A stream! message's fields for the trace and `pullsim explain`. A WantedHashes says which of its offer's hashes it
 * wants as positions (its bit vector decoded over every bit it has; the trace maps them onto the offer).
 */
export function describe(m: Message): MessageFields {
  switch (m.type) {
    case MsgType.StreamInfoReq:
      return { bins: m.bins };
    case MsgType.StreamInfoRes:
      return { bins: m.bins, more: { cursors: m.cursors } };
    case MsgType.GetRange:
      return { exchange: m.ruid, bin: m.bin, stream: streamName(m.bin), range: [m.from, m.to === LIVE ? null : m.to], more: { batchSize: m.batchSize } };
    case MsgType.OfferedHashes:
      return { exchange: m.ruid, lastIndex: m.lastIndex, offered: m.hashes };
    case MsgType.ChunkDelivery:
      return { exchange: m.ruid, delivered: m.chunks };
    case MsgType.WantedHashes:
      return { exchange: m.ruid, wanted: decodeWants(m.bits, m.bits.length * 8) ?? [] };
    case MsgType.BatchDone:
      return { exchange: m.ruid, lastIndex: m.lastIndex };
    case MsgType.StreamState:
      return { exchange: m.ruid, bin: m.bin, stream: streamName(m.bin), more: { live: m.live, code: m.code } };
  }
}
