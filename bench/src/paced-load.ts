// A constant request rate, open loop: request i is due at start + i / rate, sent then whether or not
// earlier ones have been answered (a new keep-alive connection opens when all are busy), and its
// latency runs from when it was due, not from when it left. A stall of the server or of this
// process therefore shows in the latencies of every request it held up, as a user would see it
// (no coordinated omission).
//
// Why not autocannon's overallRate: autocannon lets each connection send its share of a second's
// requests as fast as it can at the start of every second, so 200 requests/s arrive as one burst
// of 200 per second, and with a rate it records each latency with an expected interval of
// ceil(1 / rate) = 1 ms, adding made-up samples for every ms of it. `npm run bench:api --
// --compare-autocannon` shows both on the read API (README, Reads and their latency).
import http from 'node:http';
import { percentile } from './stats.ts';

export interface PacedResult {
  offered_per_s: number;
  /** requests answered per second of the run */
  requests_per_s: number;
  p50_ms: number;
  p99_ms: number;
  max_ms: number;
  /** answers other than 2xx */
  non_2xx: number;
  /** requests that failed (refused, reset) */
  errors: number;
  /** requests not answered within the timeout (10 s): the offer is more than the server can serve */
  timeouts: number;
  /** most connections open at once */
  connections: number;
}

/** Offers `rate` requests/s for `seconds` to `baseUrl` + paths drawn by `nextPath`. */
export async function pacedLoad(baseUrl: string, nextPath: () => string, rate: number, seconds: number, timeoutMs = 10_000): Promise<PacedResult> {
  const target = new URL(baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY });
  const latencies: number[] = [];
  let non2xx = 0;
  let errors = 0;
  let timeouts = 0;
  const total = Math.round(rate * seconds);
  const interval = 1000 / rate;
  const started = performance.now();
  const answered: Array<Promise<void>> = [];

  const send = (due: number) =>
    new Promise<void>((resolve) => {
      const request = http.get({ host: target.hostname, port: target.port, path: nextPath(), agent, timeout: timeoutMs }, (response) => {
        response.resume();
        response.on('end', () => {
          latencies.push(performance.now() - due);
          if (response.statusCode === undefined || response.statusCode < 200 || response.statusCode >= 300) non2xx += 1;
          resolve();
        });
      });
      let timedOut = false;
      request.on('timeout', () => {
        timedOut = true;
        timeouts += 1;
        request.destroy();
        resolve();
      });
      request.on('error', () => {
        if (!timedOut) errors += 1;
        resolve();
      });
    });

  let connections = 0;
  for (let sent = 0; sent < total; ) {
    const now = performance.now();
    // Every request due by now leaves now; the latency of one sent late still runs from its due time.
    while (sent < total && started + sent * interval <= now) {
      answered.push(send(started + sent * interval));
      sent += 1;
    }
    connections = Math.max(
      connections,
      Object.values(agent.sockets).reduce((n, list) => n + (list?.length ?? 0), 0),
    );
    const wait = started + sent * interval - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }
  await Promise.all(answered);
  const elapsedSeconds = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const round = (ms: number) => Math.round(ms * 10) / 10;
  return {
    offered_per_s: rate,
    requests_per_s: Math.round(latencies.length / elapsedSeconds),
    p50_ms: round(percentile(latencies, 50)),
    p99_ms: round(percentile(latencies, 99)),
    max_ms: round(percentile(latencies, 100)),
    non_2xx: non2xx,
    errors,
    timeouts,
    connections,
  };
}
