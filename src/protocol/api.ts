import type { Draws } from '../core/keyed.js';
import type { Micros } from '../core/units.js';
import type { ChunkHeads } from './chunks.js';
import type { Costs, Env } from './env.js';
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
  /** what the operations of the node's handlers cost (used with `env.work`; free under the serial runtime) */
  costs: Costs;
}

/**
 * What a message says, in protocol-neutral terms, for the trace (`pullsim run --trace`) and the stories `pullsim
 * explain` tells. A protocol fills in the fields its message has and leaves the rest out. Chunks are chunk ids
 * (the world's integers; the trace names their addresses once, at upload). `describe` is called only while a
 * trace is recorded, never on the simulation's hot path, so it may allocate.
 */
export interface MessageFields {
  /**
   * the exchange the message belongs to: stream!'s ruid, Bee's libp2p stream id. Messages of one exchange between
   * two nodes share it; a message without `bin` inherits the bin of its exchange's first message that had one.
   */
  exchange?: number;
  /** the storage bin the message's stream serves (stream!: the bin of SYNC|bin; Bee: the bin of a Get) */
  bin?: number;
  /** several bins at once (stream!: the streams a StreamInfoReq or StreamInfoRes names) */
  bins?: readonly number[];
  /** the stream's name in the protocol's own words, for people ("SYNC|5"); bins alone when absent */
  stream?: string;
  /** a requested interval of bin IDs, [from, to]; to null when open-ended (stream!'s live GetRange, Bee's Get) */
  range?: readonly [number, number | null];
  /** the highest bin ID a reply covers (stream!: OfferedHashes and BatchDone LastIndex; Bee: Offer.Topmost) */
  lastIndex?: number;
  /** chunk ids announced for the receiver to choose from (stream!: OfferedHashes; Bee: Offer), in offer order */
  offered?: readonly number[];
  /** positions (from 0) in the exchange's latest `offered` list, from the other node, that this message asks for */
  wanted?: readonly number[];
  /** chunk ids the message carries into the receiver's store (what `Protocol.delivered` gives) */
  delivered?: ArrayLike<number>;
  /** other fields worth showing, by name (stream!: StreamInfoRes cursors, GetRange batch size, StreamState code) */
  more?: Readonly<Record<string, number | boolean | string | readonly number[]>>;
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
  /** the message's fields for the trace and `pullsim explain` (see MessageFields) */
  describe(m: M): MessageFields;
  /**
   * the bin of a node's store that a chunk falls in (the stream that serves it to peers), from the first 32-bit
   * words of the node's and the chunk's addresses (stream!: their PO capped at 16)
   */
  binOf(nodeHead: number, chunkHead: number): number;
  createNode(setup: NodeSetup<M>): N;
  /**
   * 'queue': the network is quiescent when no event is pending; 'pending': its periodic timers never stop, so it
   * is quiescent when no node has sync work pending (`ProtocolNode.pending`) and no message is in flight
   */
  readonly quiescence: 'queue' | 'pending';
  /** how often the world asks the nodes whether work is pending (quiescence 'pending') */
  readonly probeEvery?: Micros;
  /**
   * Under the goroutine runtime, the CPU a received message takes before its handler first blocks or decides
   * (decode and dispatch; for a message that delivers chunks, their Put too, so the world reports them arriving
   * when they are stored). Absent: `costs.handler`.
   */
  receiveCost?(m: M, costs: Costs): Micros;
}
