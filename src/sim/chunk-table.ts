import type { Int32Arena } from '../core/arena.js';
import { grown } from '../core/grown.js';
import { subKey, type Key, type Keyed } from '../core/keyed.js';
import type { ChunkHeads } from '../protocol/chunks.js';
import { AddressTable, WORDS } from '../topology/address.js';

/**
 * The chunks of a run: their addresses by chunk id, and the first word of each address where the stores read it
 * (ChunkHeads), with each chunk's postage batch (Bee's chunk identity is address, batch and stamp; a chunk id stands
 * for one stamped chunk). New chunks get keyed random addresses: chunk i of an upload is keyed by (upload key, i),
 * so the same key gives the same addresses in any run of the seed, whatever else is uploaded.
 */
export class ChunkTable {
  readonly addresses = new AddressTable(1024);
  readonly heads: ChunkHeads;

  constructor(
    arena: Int32Arena,
    private readonly draws: Keyed,
  ) {
    this.heads = { heads: new Uint32Array(1024), arena, batches: new Int32Array(1024) };
  }

  /** `count` new chunks with uniformly random addresses keyed by `key`, stamped with postage batch `batch`; returns their ids. */
  make(key: Key, count: number, batch = 0): number[] {
    const ids: number[] = [];
    const words = new Uint32Array(WORDS);
    for (let i = 0; i < count; i++) {
      const k = subKey(key, i);
      for (let w = 0; w < WORDS; w++) words[w] = this.draws.u32(k, w);
      ids.push(this.add(words, batch));
    }
    return ids;
  }

  /** A chunk of a given address (a scenario may name its chunks); returns its id. */
  add(words: ArrayLike<number>, batch = 0): number {
    const id = this.addresses.addWords(words, 0);
    const h = this.heads;
    if (id >= h.heads.length) {
      h.heads = grown(h.heads, h.heads.length * 2);
      h.batches = grown(h.batches!, h.heads.length);
    }
    h.heads[id] = this.addresses.head(id);
    h.batches![id] = batch;
    return id;
  }

  /** A chunk's postage batch. */
  batchOf(chunk: number): number {
    return this.heads.batches![chunk]!;
  }
}
