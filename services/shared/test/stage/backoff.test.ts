import { afterEach, describe, expect, it, vi } from 'vitest';
import { backoffDelay, sleep } from '../../src/stage/backoff.ts';

afterEach(() => {
  vi.restoreAllMocks();
  vi.useRealTimers();
});

/** The delay with Math.random pinned to `r`. */
function delayWith(r: number, attempt: number, baseMs?: number, maxMs?: number): number {
  vi.spyOn(Math, 'random').mockReturnValue(r);
  const delay = backoffDelay(attempt, baseMs, maxMs);
  vi.restoreAllMocks();
  return delay;
}

describe('backoffDelay', () => {
  it('doubles from the base: the delay lies in [exp/2, exp] with exp = 200 ms × 2^attempt', () => {
    for (let attempt = 0; attempt < 5; attempt++) {
      const exp = 200 * 2 ** attempt;
      expect(delayWith(0, attempt)).toBe(exp / 2);
      expect(delayWith(0.999999, attempt)).toBe(Math.round(exp / 2 + 0.999999 * (exp / 2)));
      expect(delayWith(0.5, attempt)).toBe(Math.round(exp * 0.75));
    }
  });

  it('is capped at maxMs (5 s by default), however many attempts', () => {
    for (const attempt of [5, 6, 10, 16, 17, 100, 10_000]) {
      expect(delayWith(0, attempt)).toBe(2500);
      expect(delayWith(0.999999, attempt)).toBeLessThanOrEqual(5000);
      expect(delayWith(0.999999, attempt)).toBeGreaterThan(4990);
    }
  });

  it('takes its base and cap as arguments', () => {
    expect(delayWith(0, 0, 10, 1000)).toBe(5);
    expect(delayWith(0, 3, 10, 1000)).toBe(40);
    expect(delayWith(0, 20, 10, 1000)).toBe(500);
  });

  it('jitters: real random delays of one attempt differ and stay in range', () => {
    const delays = Array.from({ length: 200 }, () => backoffDelay(3));
    for (const delay of delays) {
      expect(Number.isInteger(delay)).toBe(true);
      expect(delay).toBeGreaterThanOrEqual(800);
      expect(delay).toBeLessThanOrEqual(1600);
    }
    expect(new Set(delays).size).toBeGreaterThan(20);
  });

  it('grows with every attempt until the cap, then stays there', () => {
    const mean = (attempt: number) => [0, 0.25, 0.5, 0.75, 1].reduce((s, r) => s + delayWith(r, attempt), 0) / 5;
    for (let attempt = 0; attempt < 5; attempt++) expect(mean(attempt + 1)).toBeGreaterThan(mean(attempt));
    expect(mean(50)).toBe(mean(6));
  });
});

describe('sleep', () => {
  it('resolves after the given time', async () => {
    vi.useFakeTimers();
    let done = false;
    const slept = sleep(1000).then(() => (done = true));
    await vi.advanceTimersByTimeAsync(999);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await slept;
    expect(done).toBe(true);
  });
});
