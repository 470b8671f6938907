import type { Rng } from './rng.js';
import { murmurFinal, murmurMix } from './murmur.js';

/**
 * Keyed draws: every random value of a run is a pure function of (seed, domain, key, ordinal), so removing one
 * thing from a scenario (an upload, a fault, a node) leaves the draws of everything else unchanged. A delta-debugging
 * shrinker depends on it: a failure must survive the removal of things unrelated to it.
 *
 * - A **key** names the thing a draw is for, by its content, never by its position in a list: a node by its overlay
 *   address, a link by its two addresses in the direction of travel, a scenario event by what it says (time, verb,
 *   body with node references written as addresses) and its occurrence among identical events, a chunk by its
 *   upload event's key and its index inside it. Keys are 64 bits (two 32-bit words) and do not depend on the seed.
 * - A **domain** (`Keyed.of(rng, 'latency')`) is seeded once from the run's seeded generator (two words of the
 *   named child stream `keyed:<domain>`), so two domains never share draws even for the same key.
 * - The **ordinal** numbers the draws for one key: the k-th message on a link, the i-th address word of a chunk.
 *
 * A draw is a counter-based hash, no generator state: murmur3's 32-bit block mix over (seed words, key words,
 * ordinal), then its finaliser. Integer arithmetic only (Math.imul, shifts, xor; `int` splits its product so
 * every step stays an exact integer), so every machine gets the same values, and a draw costs a few dozen integer
 * operations and no allocation: cheap enough for one latency draw per message.
 *
 * Where a draw needs a sequence (a node's request ids, a scheduler's choices), `sequence(key)` numbers the draws
 * itself; such a sequence depends only on the history of its own key's owner. On a hot path, `prepare(key)` mixes
 * the key in once and `drawAt(prepared, ordinal)` mixes only the ordinal (a link's latency per message).
 * A choice among nodes that must not move when another node goes: KeyedPicker (keyed-pick.ts).
 *
 * Usage: `const d = Keyed.of(rng, 'latency'); d.int(linkKey, k, n)`, keys from `key(...words)`,
 * `wordsKey(addressWords, i * 8, 8)`, `subKey(eventKey, index)`, `textKey(canonicalText)`.
 */
export interface Key {
  readonly hi: number;
  readonly lo: number;
}

/** What a protocol node (or any consumer of a draw sequence) may draw: Rng and KeyedSequence both provide it. */
export interface Draws {
  /** uniform in [0, 1) */
  next(): number;
  /** uniform integer in [0, n) */
  int(n: number): number;
  /** uniform unsigned 32-bit integer */
  u32(): number;
}

const TWO32 = 4294967296;
/** below this n, u32 * n < 2^53: one exact product */
const SMALL = 2 ** 21;

/** murmur3_32's finaliser after the length is mixed in, as an unsigned 32-bit integer. */
function fmix(h: number, len: number): number {
  return murmurFinal(h ^ len);
}

/** Two independent 32-bit hashes (two murmur3 seeds) of integer words; a word beyond 32 bits adds its high part. */
function hashWords(words: ArrayLike<number>, from: number, count: number): Key {
  let a = 0x9747b28c;
  let b = 0x5bd1e995;
  for (let i = from; i < from + count; i++) {
    const w = words[i]!;
    a = murmurMix(a, w | 0);
    b = murmurMix(b, w | 0);
    if (w >= TWO32 || w < -2147483648) {
      const high = Math.floor(w / TWO32) | 0;
      a = murmurMix(a, high);
      b = murmurMix(b, high);
    }
  }
  return { hi: fmix(a, count), lo: fmix(b, count) };
}

/** A key from integer words (node keys, an event key and an index, ...). Order matters. */
export function key(...words: number[]): Key {
  return hashWords(words, 0, words.length);
}

/** A key from `count` words of `words` starting at `from` (an overlay address: 8 words of an AddressTable). */
export function wordsKey(words: ArrayLike<number>, from: number, count: number): Key {
  return hashWords(words, from, count);
}

/** A key extended by more words: the key of a part of a thing (an event's i-th chunk, a churn's r-th round). */
export function subKey(k: Key, ...words: number[]): Key {
  return hashWords([k.hi, k.lo, ...words], 0, words.length + 2);
}

/** A key from text (a scenario event's canonical content), over its UTF-16 code units. */
export function textKey(text: string): Key {
  const units = new Array<number>(text.length);
  for (let i = 0; i < text.length; i++) units[i] = text.charCodeAt(i);
  return hashWords(units, 0, units.length);
}

/** Compares two keys as unsigned 64-bit numbers (a total order that needs no index). */
export function compareKeys(x: Key, y: Key): number {
  return x.hi - y.hi || x.lo - y.lo;
}

/** The draw number `ordinal` of a prepared key (Keyed.prepare): a uniform unsigned 32-bit integer. */
export function drawAt(prepared: number, ordinal: number): number {
  return fmix(murmurMix(prepared, ordinal | 0), 16);
}

/**
 * A uniform 32-bit draw `u` scaled to an integer in [0, n), n an integer from 1 to 2^32: floor(u * n / 2^32), exact:
 * in one product while it stays below 2^53 (n up to 2^21, e.g. a latency range of 2 s in microseconds), else in two
 * halves.
 */
export function below(u: number, n: number): number {
  if (n >= 1 && n <= SMALL && (n | 0) === n) return Math.floor((u * n) / TWO32);
  if (!(n >= 1 && n <= TWO32 && n % 1 === 0)) throw new Error(`assertion failed: keyed int(${n})`);
  const high = (u >>> 16) * n; // < 2^48: exact
  const low = (u & 0xffff) * n; // < 2^48: exact
  return Math.floor((high + Math.floor(low / 65536)) / 65536);
}

/** One domain of keyed draws: uniform values as a function of (this domain's seed, key, ordinal). */
export class Keyed {
  /** the state after mixing in the seed words: where every draw starts */
  private readonly h: number;
  private constructor(s0: number, s1: number) {
    this.h = murmurMix(s0, s1);
  }

  /** The domain `name` of the run whose seeded generator is `rng`: seeded once, from its child `keyed:<name>`. */
  static of(rng: Rng, name: string): Keyed {
    const r = rng.fork(`keyed:${name}`);
    return new Keyed(r.u32(), r.u32());
  }

  /** A uniform unsigned 32-bit integer: the draw number `ordinal` (a non-negative integer < 2^32) for `k`. */
  u32(k: Key, ordinal: number): number {
    return drawAt(this.prepare(k), ordinal);
  }

  /** `k` mixed into this domain's seed, once, for a hot path: drawAt(prepare(k), i) === u32(k, i). */
  prepare(k: Key): number {
    return murmurMix(murmurMix(this.h, k.hi), k.lo);
  }

  /** A uniform integer in [0, n), n an integer from 1 to 2^32 (see `below`). */
  int(k: Key, ordinal: number, n: number): number {
    return below(this.u32(k, ordinal), n);
  }

  /** Uniform in [0, 1) with 32 bits of resolution (u32 / 2^32, exact). */
  unit(k: Key, ordinal: number): number {
    return this.u32(k, ordinal) / TWO32;
  }

  /** The draws for `k` as a sequence: the i-th call draws ordinal i. */
  sequence(k: Key): KeyedSequence {
    return new KeyedSequence(this, k);
  }
}

/** Draws for one key, numbered in the order they are made (a node's request ids, say). */
export class KeyedSequence implements Draws {
  private drawn = 0;
  constructor(
    private readonly keyed: Keyed,
    private readonly k: Key,
  ) {}

  next(): number {
    return this.keyed.unit(this.k, this.drawn++);
  }

  int(n: number): number {
    return this.keyed.int(this.k, this.drawn++, n);
  }

  u32(): number {
    return this.keyed.u32(this.k, this.drawn++);
  }
}
