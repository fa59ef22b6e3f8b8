// One route of the read API under a fixed request rate (autocannon), with the latencies it saw.
import autocannon from 'autocannon';

export interface RouteFigures {
  route: string;
  /** one request at a time, before the load */
  serial?: { mean_ms: number; p99_ms: number };
  offered_per_s: number;
  requests_per_s: number;
  p50_ms: number;
  p99_ms: number;
  max_ms: number;
  /** answers other than 2xx, and requests that failed or timed out */
  non_2xx: number;
  errors: number;
}

/** Offers `rate` requests/s for `seconds` to paths drawn by `nextPath`, over `connections` connections. */
export async function loadRoute(
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
    errors: result.errors + result.timeouts,
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
