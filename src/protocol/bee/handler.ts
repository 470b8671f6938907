import type { Timed } from '../env.js';
import type { Flight } from './flight.js';
import type { StreamKind } from './messages.js';
import type { BeePeer } from './peer.js';
import type { Server } from './server.js';

/**
 * The handler's side of one stream a peer opened on this node (pullsync's `handler` or `cursorHandler`):
 *   opened (headers answered) -> collecting (Get: waiting for its page) -> offered (Offer sent, Want awaited)
 *     -> limiting (the per-peer rate limiter holds the deliveries) -> done
 * A cursors stream goes opened -> done on Syn. It is its own timer record (the limiter's wait).
 */
export class Handler implements Timed {
  state: 'opened' | 'collecting' | 'offered' | 'limiting' | 'done' = 'opened';
  /** the page it waits for or offered */
  flight: Flight | undefined;
  offer: readonly number[] = [];
  /** what goes out after the limiter: chunk ids, -1 for a placeholder */
  deliveries: number[] = [];
  token = 0;

  constructor(
    private readonly server: Server,
    readonly peer: BeePeer,
    readonly stream: number,
    readonly kind: StreamKind,
  ) {}

  fire(token: number): boolean {
    if (token !== this.token || this.state !== 'limiting' || this.peer.closed) return false;
    this.server.deliver(this);
    return true;
  }
}
