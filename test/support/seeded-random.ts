// Reproducible randomness for tests that draw moments, victims and samples: the seed comes from an
// environment variable when given (to replay a failure) and is printed either way.

/** mulberry32: a small, fast 32-bit generator; the same seed gives the same sequence. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** The seed in `variable`, or a fresh one; a bad value is refused rather than ignored. */
export function testSeed(variable: string, env: Record<string, string | undefined> = process.env): number {
  const raw = env[variable]?.trim();
  if (!raw) return Math.floor(Math.random() * 2 ** 31);
  const seed = Number(raw);
  if (!Number.isSafeInteger(seed) || seed < 0) throw new Error(`${variable} must be a non-negative integer, got "${raw}"`);
  return seed;
}
