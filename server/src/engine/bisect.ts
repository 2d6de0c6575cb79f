/**
 * Binary search over an index range: the first index in [from, to) where `test` holds, for a
 * test that holds at every index after one where it holds (else `to`). One search for the
 * sorted tables the engine looks up by offset or line (runs of a document tree, loaded modules,
 * notebook cells, top-level statements).
 */
export function firstIndexWhere(from: number, to: number, test: (i: number) => boolean): number {
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (test(mid)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** The last index in [0, count) whose key is at most `x` (0 when none is: the first entry answers). */
export function lastIndexAtMost(count: number, key: (i: number) => number, x: number): number {
  return Math.max(0, firstIndexWhere(0, count, (i) => key(i) > x) - 1);
}
