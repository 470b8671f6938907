// The bit vector of an offer's wanted entries, as Swarm's Go client and Bee both encode it.

/** Swarm's bit vector: floor(n/8)+1 bytes, bit i at byte i/8, mask 1<<(i%8). */
export function encodeWants(n: number, wanted: (i: number) => boolean): Uint8Array {
  const bits = new Uint8Array((n >> 3) + 1);
  for (let i = 0; i < n; i++) if (wanted(i)) bits[i >> 3]! |= 1 << (i & 7);
  return bits;
}

/** Indices wanted by a bit vector for n offered hashes; undefined when the vector is too short. */
export function decodeWants(bits: Uint8Array, n: number): number[] | undefined {
  if (bits.length * 8 < n) return undefined;
  const out: number[] = [];
  for (let i = 0; i < n; i++) if (bits[i >> 3]! & (1 << (i & 7))) out.push(i);
  return out;
}
