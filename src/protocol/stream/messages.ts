/**
 * The stream! wire messages (PROTOCOL.md §5.1) plus the spec's BatchDone and StreamState, which the Go
 * code never implemented. A stream is the SYNC stream of one bin; chunks and hashes are chunk ids.
 * Payload bytes are never materialised: `wireSize` gives what the message would weigh on the wire.
 */
export const MsgType = {
  StreamInfoReq: 0,
  StreamInfoRes: 1,
  GetRange: 2,
  OfferedHashes: 3,
  ChunkDelivery: 4,
  WantedHashes: 5,
  BatchDone: 6,
  StreamState: 7,
} as const;
export type MsgType = (typeof MsgType)[keyof typeof MsgType];
export const MSG_NAMES = ['StreamInfoReq', 'StreamInfoRes', 'GetRange', 'OfferedHashes', 'ChunkDelivery', 'WantedHashes', 'BatchDone', 'StreamState'] as const;

export interface StreamInfoReq { readonly type: 0; readonly bins: readonly number[] }
export interface StreamInfoRes { readonly type: 1; readonly bins: readonly number[]; readonly cursors: readonly number[] }
/** `to === -1` is Go's nil To: a live (unbounded) range. */
export interface GetRange { readonly type: 2; readonly ruid: number; readonly bin: number; readonly from: number; readonly to: number; readonly batchSize: number }
export interface OfferedHashes { readonly type: 3; readonly ruid: number; readonly lastIndex: number; readonly hashes: readonly number[] }
export interface ChunkDelivery { readonly type: 4; readonly ruid: number; readonly chunks: readonly number[] }
/** An empty bit vector means "want none". */
export interface WantedHashes { readonly type: 5; readonly ruid: number; readonly bits: Uint8Array }
/** Roundtrip off: the server says a batch of pushed chunks ended at `lastIndex`. */
export interface BatchDone { readonly type: 6; readonly ruid: number; readonly lastIndex: number }
/** The server refuses a GetRange because one is already open for that stream and kind. */
export interface StreamState { readonly type: 7; readonly ruid: number; readonly bin: number; readonly live: boolean; readonly code: number }

export type Message = StreamInfoReq | StreamInfoRes | GetRange | OfferedHashes | ChunkDelivery | WantedHashes | BatchDone | StreamState;

export const LIVE = -1;
export const STATE_BUSY = 1;

export const HASH_BYTES = 32;
/** A chunk on the wire: address + span (8) + 4096 bytes of data. */
export const CHUNK_BYTES = 32 + 8 + 4096;
/** Message code + size prefix + list framing. */
const HEADER = 4;
/** A stream ID: name "SYNC" + key (base-36 bin) + framing. */
const STREAM_ID = 8;
const U64 = 8;
const RUID = 4;

export function wireSize(m: Message): number {
  switch (m.type) {
    case 0: return HEADER + m.bins.length * STREAM_ID;
    case 1: return HEADER + m.bins.length * (STREAM_ID + U64 + 1);
    case 2: return HEADER + RUID + STREAM_ID + U64 + (m.to === LIVE ? 1 : U64) + 2;
    case 3: return HEADER + RUID + U64 + m.hashes.length * HASH_BYTES;
    case 4: return HEADER + RUID + m.chunks.length * CHUNK_BYTES;
    case 5: return HEADER + RUID + m.bits.length;
    case 6: return HEADER + RUID + U64;
    case 7: return HEADER + RUID + STREAM_ID + 2;
  }
}

export { decodeWants, encodeWants } from '../bitvector.js';
