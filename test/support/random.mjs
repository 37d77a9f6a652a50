// Plain JavaScript so that the benchmarks, which node runs over dist/ without a TypeScript loader,
// draw from the same source as the tests.

/** A small deterministic random source (xorshift32), so that a failing input can be replayed from its seed. */
export function seededRandom(seed) {
  let x = seed >>> 0 || 1;
  const next = () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 2 ** 32;
  };
  return {
    next,
    int: (n) => Math.floor(next() * n),
    pick: (list) => list[Math.floor(next() * list.length)],
  };
}
