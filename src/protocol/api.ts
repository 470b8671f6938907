import type { Draws } from '../core/keyed.js';
import type { Micros } from '../core/units.js';
import type { ChunkHeads } from './chunks.js';
import type { Env } from './env.js';
import type { Kademlia } from './kademlia.js';

/**
 * The one interface between the world and a pull-sync protocol: what a node must offer the world (connections,
 * messages, a life that starts and stops, its store), and what the world must know of the protocol's messages
 * (their type, weight, and the chunks they deliver). stream! (protocol/stream/) and Bee (protocol/bee/) implement
 * it side by side; sim/ and check/ know nothing else of either.
 */

/** A protocol's wire message: a plain record whose `type` indexes the protocol's message names. */
export interface WireMessage {
  readonly type: number;
}

/** What a node reports of its store; the world passes it on to its observers (the checkers' record). */
export interface NodeFacts {
  /** a chunk entered the store (by upload or sync) */
  stored(node: number, chunk: number): void;
  /** a chunk left the store; `cause` says why when the protocol tells (Bee: evicted, expired, ...) */
  removed(node: number, chunk: number, cause?: string): void;
  /** a protocol state the checkers may hold against what they observe (Bee: the storage radius) */
  state?(node: number, name: string, value: number, cause: string): void;
}

/** One node of a pull-sync protocol as the world drives it; `P` is its record of a connected peer. */
export interface ProtocolNode<M extends WireMessage, P = unknown> {
  readonly id: number;
  /** Kademlia of the connected peers (depth from connections, PROTOCOL.md §2.1) */
  kad: Kademlia;
  /** a life begins: at boot and after each stop */
  start(): void;
  /** a connection came up: the returned record comes back with every message from that peer */
  connect(peerId: number, po: number, po256: number, epoch: number, link?: unknown): P;
  /** the connection went down: per-connection state is discarded */
  disconnect(peerId: number): void;
  handle(peer: P, msg: M): void;
  /** the node stops (every connection already gone): the life's protocol state and timers end */
  stop(): void;
  /** a chunk stored at this node by its owner; false when it was there already */
  upload(chunk: number): boolean;
  /** a fault removes a chunk from the store; false when it was not there */
  removeChunk(chunk: number): boolean;
  /** chunks held now */
  readonly storedCount: number;
  /** a Kademlia-only peer (the Go tests' fake peers): depth changes as with a real connection, no messages */
  fakePeer(po256: number, on: boolean): void;
  /** what sync work is pending, '' if none (protocols whose timers never drain the queue, see `quiescence`) */
  pending?(): string;
  // Faults only some protocols know (the scenario refuses them for the others):
  /** a stopped node's store and sync state are cleared (Bee: `db nuke`, a new epoch) */
  wipe?(): void;
  /** a chunk's data is lost while the store still lists it; false when the node could not read it anyway */
  loseData?(chunk: number): boolean;
  /** the node sees a postage batch expire: its chunks go, later ones are refused; returns how many went */
  expireBatch?(batch: number): number;
}

/** What building a node needs from the world. */
export interface NodeSetup<M extends WireMessage> {
  id: number;
  /** the first 32-bit word of the node's overlay */
  head: number;
  chunks: ChunkHeads;
  env: Env<M>;
  /** this node's own draws, keyed by its address */
  draws: Draws;
  facts: NodeFacts;
  /** keep what only removals can make matter (stream!'s NeedData cache) */
  removals: boolean;
}

/** A protocol as the world plugs it in. */
export interface Protocol<M extends WireMessage, N extends ProtocolNode<M> = ProtocolNode<M>> {
  readonly kind: string;
  /** message names by type */
  readonly messageNames: readonly string[];
  /** bytes on the wire */
  wireSize(m: M): number;
  /** the chunks a message carries into its receiver's store (undefined: none), in message order */
  delivered(m: M): ArrayLike<number> | undefined;
  /** the exchange a delivering message belongs to (stream!'s ruid, Bee's stream id) */
  exchange(m: M): number;
  createNode(setup: NodeSetup<M>): N;
  /**
   * 'queue': the network is quiescent when no event is pending; 'pending': its periodic timers never stop, so it
   * is quiescent when no node has sync work pending (`ProtocolNode.pending`) and no message is in flight
   */
  readonly quiescence: 'queue' | 'pending';
  /** how often the world asks the nodes whether work is pending (quiescence 'pending') */
  readonly probeEvery?: Micros;
}
