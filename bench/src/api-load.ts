// One route of the read API under a fixed request rate, with the latencies it saw: paced (a request
// every 1/rate s, open loop, see paced-load.ts), or autocannon's overallRate for comparison.
import autocannon from 'autocannon';
import { pacedLoad, type PacedResult } from './paced-load.ts';

export interface RouteFigures extends Omit<PacedResult, 'connections'> {
  route: string;
  /** one request at a time, before the load */
  serial?: { mean_ms: number; p99_ms: number };
  /** most connections open at once (paced) */
  connections?: number;
}

/** Offers `rate` requests/s for `seconds`, one request every 1/rate s (see paced-load.ts). */
export async function loadRoute(baseUrl: string, route: string, nextPath: () => string, rate: number, seconds: number): Promise<RouteFigures> {
  return { route, ...(await pacedLoad(baseUrl, nextPath, rate, seconds)) };
}

/**
 * The same offer through autocannon's overallRate, over `connections` connections: each connection
 * sends its share of every second at once, and latencies are corrected with a 1 ms interval.
 */
export async function autocannonRoute(
  baseUrl: string,
  route: string,
  nextPath: () => string,
  rate: number,
  seconds: number,
  connections = 10,
): Promise<RouteFigures> {
  const result = await autocannon({
    url: baseUrl,
    connections,
    duration: seconds,
    overallRate: rate,
    requests: [{ method: 'GET', setupRequest: (request) => ({ ...request, path: nextPath() }) }],
  });
  return {
    route,
    offered_per_s: rate,
    requests_per_s: Math.round(result.requests.average),
    p50_ms: result.latency.p50,
    p99_ms: result.latency.p99,
    max_ms: result.latency.max,
    non_2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  };
}

/** Mean and p99 of `count` requests sent one after another: the route's own latency, without queueing. */
export async function serialLatency(baseUrl: string, nextPath: () => string, count = 200): Promise<{ mean_ms: number; p99_ms: number }> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    const response = await fetch(`${baseUrl}${nextPath()}`);
    await response.arrayBuffer();
    if (!response.ok) throw new Error(`${response.status} from ${response.url}`);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  const round = (ms: number) => Math.round(ms * 100) / 100;
  return { mean_ms: round(times.reduce((a, b) => a + b, 0) / count), p99_ms: round(times[Math.ceil(count * 0.99) - 1]!) };
}
