/** Exponential backoff with jitter: 200 ms, 400 ms, ... capped at maxMs. */
export function backoffDelay(attempt: number, baseMs = 200, maxMs = 5000): number {
  const exp = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 16));
  return Math.round(exp / 2 + Math.random() * (exp / 2));
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
