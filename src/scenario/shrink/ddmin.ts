/**
 * Delta debugging (Zeller and Hildebrandt's ddmin) over a list of items: the smallest sublist found that still
 * fails, one item's removal from which no longer fails (1-minimal), tested in a fixed order. `first` gets the
 * candidates of one round, each a sublist of `items` in their order, and says which one, in that order, fails
 * first (or none): so a caller may test a round's candidates in parallel and still get the answer a sequential
 * search would, and candidates it has seen before cost it nothing (the empty list comes up again and again).
 */
export type FirstFailing<T> = (candidates: readonly (readonly T[])[]) => Promise<number | undefined>;

export async function ddmin<T>(items: readonly T[], first: FirstFailing<T>): Promise<T[]> {
  let current = [...items];
  if (current.length === 0) return current;
  // everything at once first: often the whole list is noise
  if ((await first([[]])) === 0) return [];
  let n = 2;
  while (current.length >= 2) {
    const parts = split(current, n);
    const complements = n > 2 ? parts.map((_, i) => parts.filter((__, j) => j !== i).flat()) : [];
    const hit = await first([...parts, ...complements]);
    if (hit !== undefined && hit < parts.length) {
      current = parts[hit]!;
      n = 2;
    } else if (hit !== undefined) {
      current = complements[hit - parts.length]!;
      n = Math.max(n - 1, 2);
    } else {
      if (n >= current.length) break;
      n = Math.min(current.length, 2 * n);
    }
  }
  return current;
}

/** `xs` in `n` contiguous parts of near-equal length (the first ones one longer), in order. */
export function split<T>(xs: readonly T[], n: number): T[][] {
  const out: T[][] = [];
  let start = 0;
  for (let i = 0; i < n; i++) {
    const len = Math.floor(xs.length / n) + (i < xs.length % n ? 1 : 0);
    out.push(xs.slice(start, start + len));
    start += len;
  }
  return out;
}
