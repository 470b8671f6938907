import type { Int32Arena } from '../core/arena.js';
import { subKey, type Key, type Keyed } from '../core/keyed.js';
import type { ChunkHeads } from '../protocol/chunks.js';
import { AddressTable, WORDS } from '../topology/address.js';

/**
 * The chunks of a run: their addresses by chunk id, and the first word of each address where the stores read it
 * (ChunkHeads). New chunks get keyed random addresses: chunk i of a batch is keyed by (batch key, i), so the same
 * batch key gives the same addresses in any run of the seed, whatever else is uploaded.
 */
export class ChunkTable {
  readonly addresses = new AddressTable(1024);
  readonly heads: ChunkHeads;

  constructor(
    arena: Int32Arena,
    private readonly draws: Keyed,
  ) {
    this.heads = { heads: new Uint32Array(1024), arena };
  }

  /** `count` new chunks with uniformly random addresses; returns their ids. */
  make(batch: Key, count: number): number[] {
    const ids: number[] = [];
    const words = new Uint32Array(WORDS);
    for (let i = 0; i < count; i++) {
      const k = subKey(batch, i);
      for (let w = 0; w < WORDS; w++) words[w] = this.draws.u32(k, w);
      ids.push(this.add(words));
    }
    return ids;
  }

  /** A chunk of a given address (a scenario may name its chunks); returns its id. */
  add(words: ArrayLike<number>): number {
    const id = this.addresses.addWords(words, 0);
    if (id >= this.heads.heads.length) {
      const h = new Uint32Array(this.heads.heads.length * 2);
      h.set(this.heads.heads);
      this.heads.heads = h;
    }
    this.heads.heads[id] = this.addresses.head(id);
    return id;
  }
}
