// Reproducible randomness for tests that draw moments, victims and samples: the seed comes from an
// environment variable when given (to replay a failure) and is printed by the test either way.
export { pick, seededRandom } from '../../services/source/src/random.ts';

/** The seed in `variable`, or a fresh one; a bad value is refused rather than ignored. */
export function testSeed(variable: string, env: Record<string, string | undefined> = process.env): number {
  const raw = env[variable]?.trim();
  if (!raw) return Math.floor(Math.random() * 2 ** 31);
  const seed = Number(raw);
  if (!Number.isSafeInteger(seed) || seed < 0) throw new Error(`${variable} must be a non-negative integer, got "${raw}"`);
  return seed;
}
