import seedrandom from 'seedrandom';

/**
 * A seeded generator with named child streams: `fork("net")` derives an independent stream from the
 * seed and the name, so a draw in one subsystem never shifts another's sequence.
 */
export interface Rng {
  readonly seed: string;
  /** uniform in [0, 1) */
  next(): number;
  /** uniform integer in [0, n) */
  int(n: number): number;
  /** uniform unsigned 32-bit integer */
  u32(): number;
  fork(name: string): Rng;
}

class Alea implements Rng {
  private readonly prng: seedrandom.PRNG;
  constructor(readonly seed: string) {
    this.prng = seedrandom.alea(seed);
  }
  next(): number {
    return this.prng();
  }
  int(n: number): number {
    return Math.floor(this.prng() * n);
  }
  u32(): number {
    return this.prng.int32() >>> 0;
  }
  fork(name: string): Rng {
    return new Alea(`${this.seed}/${name}`);
  }
}

export function createRng(seed: string | number): Rng {
  return new Alea(String(seed));
}

/** Fisher-Yates shuffle in place, drawing from `rng`. */
export function shuffle<T>(rng: { int(n: number): number }, xs: T[]): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = xs[i]!;
    xs[i] = xs[j]!;
    xs[j] = t;
  }
  return xs;
}
