// Drives POST /push of the source service: all at once (phase 1) or at a fixed rate (phase 2).
import { chunkSizes, pacedTicks } from './stats.ts';

export async function push(url: string, n: number): Promise<number> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ N: n }) });
  const body = (await response.json()) as { messages_pushed?: number; message?: string };
  if (!response.ok || body.messages_pushed !== n) throw new Error(`/push ${n} answered ${response.status}: ${JSON.stringify(body)}`);
  return n;
}

/** Pushes `orders` as `concurrency` requests in flight at once; resolves with ms taken. */
export async function pushAll(url: string, orders: number, concurrency: number, maxPerRequest: number): Promise<number> {
  const started = performance.now();
  const chunks = chunkSizes(orders, Math.min(maxPerRequest, Math.ceil(orders / concurrency)));
  let next = 0;
  const worker = async () => {
    while (next < chunks.length) await push(url, chunks[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, chunks.length) }, worker));
  return performance.now() - started;
}

export interface PacedPushResult {
  sent: number;
  /** ms from the first tick to the last request answered */
  elapsedMs: number;
  /** ticks that started more than one tick late (the source could not keep up) */
  lateTicks: number;
  maxInFlight: number;
}

/**
 * Offers `rate` orders/s for `seconds`: one /push every `tickMs` with the orders due by then.
 * Requests are not awaited before the next tick, so a slow answer does not lower the offered rate.
 */
export async function pacedPush(url: string, rate: number, seconds: number, tickMs = 100): Promise<PacedPushResult> {
  const sizes = pacedTicks(rate, seconds, tickMs);
  const started = performance.now();
  const inFlight = new Set<Promise<number>>();
  let maxInFlight = 0;
  let lateTicks = 0;
  let sent = 0;
  const failures: unknown[] = [];
  for (let i = 0; i < sizes.length; i++) {
    const due = started + i * tickMs;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    else if (-wait > tickMs) lateTicks++;
    if (sizes[i]! === 0) continue;
    const request = push(url, sizes[i]!).then(
      (n) => (sent += n),
      (error: unknown) => failures.push(error),
    ) as Promise<number>;
    inFlight.add(request);
    void request.finally(() => inFlight.delete(request));
    maxInFlight = Math.max(maxInFlight, inFlight.size);
  }
  await Promise.all(inFlight);
  if (failures.length > 0) throw failures[0];
  return { sent, elapsedMs: performance.now() - started, lateTicks, maxInFlight };
}
