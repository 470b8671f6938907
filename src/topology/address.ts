/**
 * 32-byte overlay addresses stored as 8 big-endian 32-bit words per address in one Uint32Array,
 * so proximity is a few `Math.clz32` calls and ids stay integers inside the simulator.
 */
export const ADDRESS_BYTES = 32;
export const WORDS = 8;
/** Storage bins use the capped proximity of chunk.Proximity: the first 16 bits only. */
export const MAX_PO = 16;

export class AddressTable {
  words: Uint32Array;
  length = 0;

  constructor(capacity = 16) {
    this.words = new Uint32Array(Math.max(1, capacity) * WORDS);
  }

  /** Appends an address given as 32 bytes; returns its index. */
  add(bytes: Uint8Array): number {
    if (bytes.length !== ADDRESS_BYTES) throw new Error(`assertion failed: address of ${bytes.length} bytes`);
    if ((this.length + 1) * WORDS > this.words.length) {
      const w = new Uint32Array(this.words.length * 2);
      w.set(this.words);
      this.words = w;
    }
    const off = this.length * WORDS;
    for (let i = 0; i < WORDS; i++) {
      this.words[off + i] =
        ((bytes[4 * i]! << 24) | (bytes[4 * i + 1]! << 16) | (bytes[4 * i + 2]! << 8) | bytes[4 * i + 3]!) >>> 0;
    }
    return this.length++;
  }

  /** Appends an address given as its 8 words from `src[at..]`; returns its index. */
  addWords(src: ArrayLike<number>, at: number): number {
    if ((this.length + 1) * WORDS > this.words.length) {
      const w = new Uint32Array(this.words.length * 2);
      w.set(this.words);
      this.words = w;
    }
    const off = this.length * WORDS;
    for (let i = 0; i < WORDS; i++) this.words[off + i] = src[at + i]!;
    return this.length++;
  }

  /** The first 32-bit word of address i: all that capped proximity needs. */
  head(i: number): number {
    return this.words[i * WORDS]!;
  }

  hex(i: number): string {
    let s = '';
    for (let k = 0; k < WORDS; k++) s += this.words[i * WORDS + k]!.toString(16).padStart(8, '0');
    return s;
  }

  bytes(i: number): Uint8Array {
    const out = new Uint8Array(ADDRESS_BYTES);
    for (let k = 0; k < WORDS; k++) {
      const w = this.words[i * WORDS + k]!;
      out[4 * k] = w >>> 24;
      out[4 * k + 1] = (w >>> 16) & 255;
      out[4 * k + 2] = (w >>> 8) & 255;
      out[4 * k + 3] = w & 255;
    }
    return out;
  }
}

/** Full 256-bit proximity order (kademlia's Pof): index of the first differing bit, 256 if equal. */
export function po256(ta: AddressTable, a: number, tb: AddressTable, b: number): number {
  const oa = a * WORDS;
  const ob = b * WORDS;
  for (let k = 0; k < WORDS; k++) {
    const x = (ta.words[oa + k]! ^ tb.words[ob + k]!) >>> 0;
    if (x !== 0) return 32 * k + Math.clz32(x);
  }
  return 256;
}

/** Whether address `i` of `ta` is strictly closer than its address `j` to address `c` of `tc`, by XOR distance. */
export function closer(ta: AddressTable, i: number, j: number, tc: AddressTable, c: number): boolean {
  for (let k = 0; k < WORDS; k++) {
    const x = (ta.words[i * WORDS + k]! ^ tc.words[c * WORDS + k]!) >>> 0;
    const y = (ta.words[j * WORDS + k]! ^ tc.words[c * WORDS + k]!) >>> 0;
    if (x !== y) return x < y;
  }
  return false;
}

/** Capped proximity (chunk.Proximity): the first differing bit within the first 16 bits, else 16. */
export function po16(headA: number, headB: number): number {
  const p = Math.clz32((headA ^ headB) >>> 0);
  return p > MAX_PO ? MAX_PO : p;
}

/** The 8 words of a 64-hex-digit address (checked by the caller). */
export function hexWords(hex: string): Uint32Array {
  const out = new Uint32Array(WORDS);
  for (let k = 0; k < WORDS; k++) out[k] = parseInt(hex.slice(8 * k, 8 * k + 8), 16) >>> 0;
  return out;
}

export function hexToBytes(hex: string): Uint8Array | undefined {
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) return undefined;
  return Uint8Array.from(Buffer.from(hex, 'hex'));
}

export function bytesToHex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}
