export interface Random {
  /** A number in [0, 1). */
  next: () => number;
  /** A whole number in [0, n). */
  int: (n: number) => number;
  pick: <T>(list: readonly T[]) => T;
}

/** A small deterministic random source (xorshift32), so that a failing input can be replayed from its seed. */
export function seededRandom(seed: number): Random;
