/**
 * murmur3_32's two steps over 32-bit integers, integer arithmetic only (the same on every machine): the running
 * fingerprint and the keyed draws are both built on them.
 */

/** Mixes one 32-bit word `k` into the running hash `h`. */
export function murmurMix(h: number, k: number): number {
  k = Math.imul(k, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

/** The finaliser (avalanche), as an unsigned 32-bit integer. */
export function murmurFinal(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
