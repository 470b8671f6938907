type Growable = Float64Array | Int32Array | Uint32Array;

/** A new array of `a`'s kind with room for `n` elements, `a`'s copied in front (typed arrays cannot grow in place). */
export function grown<T extends Growable>(a: T, n: number): T {
  const b = new (a.constructor as new (length: number) => T)(n);
  b.set(a);
  return b;
}
