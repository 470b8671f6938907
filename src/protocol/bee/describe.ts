import type { MessageFields } from '../api.js';
import { decodeWants } from '../bitvector.js';
import { BeeMsg, PLACEHOLDER, StreamKind, type BeeMessage } from './messages.js';

/**
 * A Bee message's fields for the trace and `pullsim explain`: the exchange is the libp2p stream (the opener's
 * stream id); a Get names its bin and an open-ended range from Start; an Offer's Topmost is its last index; a Want's
 * bits are positions in that Offer; a Delivery carries one chunk (none for a placeholder).
 */
export function describe(m: BeeMessage): MessageFields {
  switch (m.type) {
    case BeeMsg.Open:
      return { exchange: m.stream, more: { stream: m.kind === StreamKind.Cursors ? 'cursors' : 'pullsync' } };
    case BeeMsg.Opened:
    case BeeMsg.Syn:
      return { exchange: m.stream };
    case BeeMsg.Ack:
      return { exchange: m.stream, more: { cursors: m.cursors, epoch: m.epoch } };
    case BeeMsg.Get:
      return { exchange: m.stream, bin: m.bin, stream: `pullsync bin ${m.bin}`, range: [m.start, null] };
    case BeeMsg.Offer:
      return { exchange: m.stream, lastIndex: m.topmost, offered: m.chunks };
    case BeeMsg.Want:
      return { exchange: m.stream, wanted: decodeWants(m.bits, m.bits.length * 8) ?? [] };
    case BeeMsg.Delivery:
      return m.chunk === PLACEHOLDER ? { exchange: m.stream, more: { placeholder: true } } : { exchange: m.stream, delivered: [m.chunk] };
    case BeeMsg.Reset:
      return { exchange: m.stream, more: { byOpener: m.byOpener } };
  }
}
