import type { Timed } from '../env.js';
import type { Client } from './client.js';
import type { OfferedHashes } from './messages.js';
import type { Peer, Want } from './peer.js';
import type { Server } from './server.js';
import type { Syncer } from './syncer.js';

/**
 * The continuation records of stream!'s handlers, split where Go's handler goroutines block (store calls and
 * sends; docs/runtime.md). Each is one goroutine's state between two of its steps; `env.work` fires it with the
 * stage to go on from. Under the serial runtime a record fires at once, inside the call that made it, so the
 * handler runs as one piece, exactly as before the split.
 */

/** Stages of the client's OfferedHashes handler (Go's clientHandleOfferedHashes). */
export const OfferStage = {
  /** the stream is not wanted: send an empty WantedHashes */
  Unwanted: 0,
  /** NeedData over the offered hashes has run */
  Need: 1,
  /** nothing needed: send an empty WantedHashes, then seal */
  NoneWanted: 2,
  /** send the WantedHashes bit vector, then wait for the chunks */
  Wanted: 3,
} as const;

export class OfferTask implements Timed {
  bits: Uint8Array | undefined;
  constructor(
    private readonly client: Client,
    readonly peer: Peer,
    readonly want: Want,
    readonly msg: OfferedHashes,
  ) {}

  fire(_token: number, stage: number): boolean {
    return this.client.offerStep(this, stage);
  }
}

/** What a GetRange request computes when it runs (Go's clientRequestStreamRange / Head, requestSubsequentRange). */
export const RequestKind = {
  /** after a seal: the cursor must still be there; live from `to + 1`, history from the first gap */
  Next: 0,
  /** the first history request of a subscription: from the first gap up to the cursor `to` */
  History: 1,
  /** the first live request: from `from`, unbounded */
  Live: 2,
} as const;

/** A GetRange to send: reads the interval store and the cursor, then clientCreateSendWant. */
export class RangeRequest implements Timed {
  constructor(
    private readonly client: Client,
    readonly peer: Peer,
    readonly bin: number,
    readonly live: boolean,
    readonly from: number,
    readonly to: number,
  ) {}

  fire(_token: number, kind: number): boolean {
    return this.client.requestStep(this, kind);
  }
}

/** The server's answer to a StreamInfoReq: the cursors, read when it is sent. */
export class CursorReply implements Timed {
  constructor(
    private readonly server: Server,
    readonly peer: Peer,
    readonly bins: readonly number[],
  ) {}

  fire(): boolean {
    return this.server.cursorStep(this);
  }
}

/** The server's delivery of wanted chunks: stage 0 is the Get, stage k >= 1 sends frame k - 1. */
export class Delivery implements Timed {
  constructor(
    private readonly server: Server,
    readonly peer: Peer,
    readonly ruid: number,
    readonly chunks: readonly number[],
  ) {}

  fire(_token: number, stage: number): boolean {
    return this.server.deliveryStep(this, stage);
  }
}

/** The syncer's updateSyncSubscriptions for one peer: the StreamInfoReq, then the quit bins' cursors go. */
export class Subscribe implements Timed {
  constructor(
    private readonly syncer: Syncer,
    readonly peer: Peer,
    readonly sub: readonly number[],
    readonly quit: readonly number[],
    /** InitPeer's first update: the loop subscribes to depth signals after it (L3) */
    readonly init: boolean,
  ) {}

  fire(): boolean {
    return this.syncer.subscribeStep(this);
  }
}
