import { murmurFinal, murmurMix } from './murmur.js';

/**
 * A running 64-bit hash (two 32-bit lanes of integer mixing) over a sequence of integers.
 * Integer-only arithmetic, so the value is the same on every machine and Node version.
 */
export class Fingerprint {
  private h1 = 0x811c9dc5 | 0;
  private h2 = 0x01000193 | 0;
  count = 0;

  add(x: number): void {
    const lo = x >>> 0;
    const hi = Math.floor(x / 4294967296) >>> 0;
    this.h1 = murmurMix(this.h1, lo);
    this.h2 = murmurMix(this.h2, hi ^ lo ^ 0x9e3779b9);
  }

  /** Hash of one event: time, kind and integer arguments. */
  event(time: number, kind: number, a: number, b: number, c: number): void {
    this.count++;
    this.add(time);
    this.add(kind);
    this.add(a);
    this.add(b);
    this.add(c);
  }

  hex(): string {
    return hex32(murmurFinal(this.h1 ^ this.count)) + hex32(murmurFinal(this.h2 ^ Math.imul(this.count, 0x85ebca6b)));
  }
}


function hex32(x: number): string {
  return (x >>> 0).toString(16).padStart(8, '0');
}

/** Stable 64-bit hash (hex) of a string, e.g. of a canonical config JSON. */
export function hashString(s: string): string {
  const f = new Fingerprint();
  for (let i = 0; i < s.length; i++) f.add(s.charCodeAt(i));
  return f.hex();
}
