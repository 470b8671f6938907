/**
 * The "pullsync" protocol 1.4.0 of Bee (pkg/pullsync/pb/pullsync.proto) as the simulator sends it. Every
 * exchange is a libp2p stream of its own: `Open`/`Opened` stand for the stream's opening with Bee's header
 * exchange (pkg/p2p/libp2p/headers.go: sendHeaders/handleHeaders, one round trip before the first protocol
 * message), `Reset` for a stream reset. Every message names the opener's stream id; chunks are chunk ids
 * (an id stands for its (address, batch, stamp hash)). Payload bytes are never materialised: `wireSize` gives
 * what the message would weigh on the wire.
 */
export const BeeMsg = {
  Open: 0,
  Opened: 1,
  Syn: 2,
  Ack: 3,
  Get: 4,
  Offer: 5,
  Want: 6,
  Delivery: 7,
  Reset: 8,
} as const;
export type BeeMsgType = (typeof BeeMsg)[keyof typeof BeeMsg];
export const BEE_MSG_NAMES = ['Open', 'Opened', 'Syn', 'Ack', 'Get', 'Offer', 'Want', 'Delivery', 'Reset'] as const;

/** The two stream names of the protocol: "cursors" (Syn/Ack) and "pullsync" (Get/Offer/Want/Delivery). */
export const StreamKind = { Cursors: 0, Pullsync: 1 } as const;
export type StreamKind = (typeof StreamKind)[keyof typeof StreamKind];

export interface Open { readonly type: 0; readonly stream: number; readonly kind: StreamKind }
export interface Opened { readonly type: 1; readonly stream: number }
export interface Syn { readonly type: 2; readonly stream: number }
/** The last bin ID of each of the 32 bins and the reserve's epoch. */
export interface Ack { readonly type: 3; readonly stream: number; readonly cursors: readonly number[]; readonly epoch: number }
export interface Get { readonly type: 4; readonly stream: number; readonly bin: number; readonly start: number }
/** The page: chunk ids in bin ID order (shared by every member of a singleflight: never mutated). */
export interface Offer { readonly type: 5; readonly stream: number; readonly topmost: number; readonly chunks: readonly number[] }
/** Bit i = offer entry i (Bee's bitvector: floor(n/8)+1 bytes). */
export interface Want { readonly type: 6; readonly stream: number; readonly bits: Uint8Array }
/** One wanted chunk; -1 is the zero-address placeholder for a chunk the server could not read. */
export interface Delivery { readonly type: 7; readonly stream: number; readonly chunk: number }
/** A stream reset, by the opener (the client gave up) or by the handler (it returned an error). */
export interface Reset { readonly type: 8; readonly stream: number; readonly byOpener: boolean }

export type BeeMessage = Open | Opened | Syn | Ack | Get | Offer | Want | Delivery | Reset;

/** The zero-address placeholder of a Delivery. */
export const PLACEHOLDER = -1;

/** The chunk a message carries to its receiver's store: a Delivery's chunk, else -1 (placeholders too). */
export function deliveredChunk(m: BeeMessage): number {
  return m.type === BeeMsg.Delivery ? m.chunk : PLACEHOLDER;
}

/** yamux frame header of every write, reset or stream opening. */
const FRAME = 12;
/** multistream-select: "/multistream/1.0.0\n" and the protocol id, each with its length prefix. */
const NEGOTIATION = 20 + 32;
const HASH = 32;
/** a chunk's data on the wire: span (8) + 4096 bytes */
const DATA = 8 + 4096;
/** postage.StampSize */
const STAMP = 113;
/** a protobuf Chunk{Address, BatchID, StampHash}: three 32-byte fields */
const OFFER_ENTRY = field(3 * field(HASH));

/** Bytes of an unsigned varint. */
export function varintSize(v: number): number {
  let n = 1;
  while (v >= 128) {
    v = Math.floor(v / 128);
    n++;
  }
  return n;
}

/** A length-delimited protobuf field (tag, length, body). */
function field(len: number): number {
  return 1 + varintSize(len) + len;
}

/** A varint protobuf field; proto3 leaves out zeros. */
function uint(v: number): number {
  return v === 0 ? 0 : 1 + varintSize(v);
}

/** A protobuf message written delimited (varint length prefix) in one yamux frame. */
function delimited(len: number): number {
  return FRAME + varintSize(len) + len;
}

export function wireSize(m: BeeMessage): number {
  switch (m.type) {
    case 0: return FRAME + NEGOTIATION + 1;
    case 1: return FRAME + NEGOTIATION + 1;
    case 2: return delimited(0);
    case 3: {
      let packed = 0;
      for (const c of m.cursors) packed += varintSize(c);
      return delimited(field(packed) + uint(m.epoch));
    }
    case 4: return delimited(uint(m.bin) + uint(m.start));
    case 5: return delimited(uint(m.topmost) + m.chunks.length * OFFER_ENTRY);
    case 6: return delimited(field(m.bits.length));
    case 7: return delimited(m.chunk === PLACEHOLDER ? field(HASH) : field(HASH) + field(DATA) + field(STAMP));
    case 8: return FRAME;
  }
}
