/**
 * Int32 memory for many small growable tables (a node's store index and bins, the checkers' per-node tables),
 * carved from a few large slabs. A 10k-node run grows about a million such tables; as separate typed arrays
 * each growth step costs an ArrayBuffer allocation (about 3 us, plus page faults and GC bookkeeping), and the
 * old one lingers until a GC. From an arena a block costs a few array operations.
 *
 * A buddy allocator: a block of 2^k ints lies at an offset that is a multiple of 2^k in its slab, a released
 * block merges with its free buddy into a block of 2^(k+1), and a request splits the smallest free block that
 * fits. So the blocks tables leave behind as they grow are reused by any size, not only their own (with a free
 * list per size alone, about 40% of the arena ended up as small blocks nobody asked for again).
 *
 * A block is named by a handle; `slab(h)` and `offset(h)` locate it. One arena per world: its memory lives as
 * long as the world and is never returned to the system before that.
 */
export class Int32Arena {
  private readonly slabs: Int32Array[] = [];
  /** per size class k, the free blocks of 2^k ints (insertion-ordered: allocation is deterministic) */
  private readonly free: Set<number>[] = Array.from({ length: SLAB_BITS + 1 }, () => new Set<number>());
  /** released blocks bigger than a slab share, by size class (each has a slab of its own) */
  private readonly bigFree = new Map<number, number[]>();

  /** A block of 2^k ints (contents undefined); returns its handle. */
  alloc(k: number): number {
    if (k > BIG_BITS) {
      const h = this.bigFree.get(k)?.pop();
      if (h !== undefined) return h;
      this.slabs.push(new Int32Array(1 << k));
      return (this.slabs.length - 1) * SLAB;
    }
    let j = k;
    while (j <= SLAB_BITS && this.free[j]!.size === 0) j++;
    let h: number;
    if (j > SLAB_BITS) {
      this.slabs.push(new Int32Array(SLAB));
      h = (this.slabs.length - 1) * SLAB;
      j = SLAB_BITS;
    } else {
      h = this.free[j]!.values().next().value!;
      this.free[j]!.delete(h);
    }
    // split down to 2^k: the upper halves become free blocks
    while (j > k) {
      j--;
      this.free[j]!.add(h + (1 << j));
    }
    return h;
  }

  /** Gives a block of 2^k ints back; it merges with its buddy while that is free too. */
  release(h: number, k: number): void {
    if (k > BIG_BITS) {
      const list = this.bigFree.get(k);
      if (list) list.push(h);
      else this.bigFree.set(k, [h]);
      return;
    }
    const slabStart = h - (h % SLAB);
    while (k < SLAB_BITS) {
      const buddy = slabStart + ((h - slabStart) ^ (1 << k));
      if (!this.free[k]!.delete(buddy)) break;
      h = Math.min(h, buddy);
      k++;
    }
    this.free[k]!.add(h);
  }

  slab(h: number): Int32Array {
    return this.slabs[Math.floor(h / SLAB)]!;
  }

  offset(h: number): number {
    return h % SLAB;
  }
}

/** ints per shared slab: 2^22 (16 MiB) */
const SLAB_BITS = 22;
const SLAB = 1 << SLAB_BITS;
/** blocks above 2^20 ints get slabs of their own */
const BIG_BITS = SLAB_BITS - 2;
