import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { pacedLoad } from '../src/paced-load.ts';

const servers: Array<{ close: () => Promise<unknown> }> = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

// A local server whose answers take `delayMs`; records when each request arrived. Closed after the test.
async function server(delayMs: (path: string) => number) {
  const arrivals: number[] = [];
  const instance = http.createServer((request, response) => {
    arrivals.push(performance.now());
    const path = request.url ?? '/';
    setTimeout(() => {
      response.statusCode = path.startsWith('/missing') ? 404 : 200;
      response.end('{}');
    }, delayMs(path));
  });
  await new Promise<void>((resolve) => instance.listen(0, '127.0.0.1', resolve));
  const { port } = instance.address() as AddressInfo;
  const started = { url: `http://127.0.0.1:${port}`, arrivals, close: () => new Promise((resolve) => instance.close(resolve)) };
  servers.push(started);
  return started;
}

describe('pacedLoad', () => {
  it('spreads the requests evenly over each second instead of sending them in a burst', async () => {
    const s = await server(() => 1);
    const result = await pacedLoad(s.url, () => '/x', 200, 1);
    expect(s.arrivals).toHaveLength(200);
    expect(result.requests_per_s).toBeGreaterThan(150);
    // At 200/s a request is due every 5 ms: no 100 ms of the second gets more than a fraction of them.
    const first = s.arrivals[0]!;
    const perTenth = Array.from({ length: 10 }, (_, i) => s.arrivals.filter((t) => t - first >= i * 100 && t - first < (i + 1) * 100).length);
    expect(Math.max(...perTenth)).toBeLessThan(40);
    expect(result.non_2xx + result.errors).toBe(0);
  });

  it('does not wait for slow answers: it opens connections and keeps the rate (open loop)', async () => {
    const s = await server(() => 100);
    const result = await pacedLoad(s.url, () => '/slow', 100, 1);
    expect(s.arrivals).toHaveLength(100);
    // about 10 requests are in flight at once; a closed loop over a few connections would queue them
    expect(result.connections).toBeGreaterThanOrEqual(8);
    expect(result.p50_ms).toBeGreaterThanOrEqual(100);
    expect(result.p99_ms).toBeLessThan(400);
  });

  it('counts a stall from when each request was due, not from when it could be sent', async () => {
    const s = await server(() => 0);
    // Block this process (the generator and the server alike) for 300 ms a quarter into the run:
    // the 60 requests due meanwhile leave late, and their wait is part of their latency.
    setTimeout(() => {
      const until = performance.now() + 300;
      while (performance.now() < until);
    }, 250);
    const result = await pacedLoad(s.url, () => '/x', 200, 1);
    expect(result.max_ms).toBeGreaterThanOrEqual(250);
    expect(result.p99_ms).toBeGreaterThanOrEqual(200);
    expect(result.p50_ms).toBeLessThan(100);
  });

  it('counts answers other than 2xx and requests that fail', async () => {
    const s = await server(() => 0);
    let i = 0;
    const result = await pacedLoad(s.url, () => (i++ % 4 === 0 ? '/missing' : '/x'), 100, 1);
    expect(result.non_2xx).toBe(25);
    await s.close();
    servers.pop();
    const refused = await pacedLoad(s.url, () => '/x', 50, 0.2);
    expect(refused.errors).toBe(10);
    expect(refused.timeouts).toBe(0);
  });

  it('counts a request not answered within the timeout as timed out, not as failed', async () => {
    const s = await server((path) => (path === '/stuck' ? 5_000 : 0));
    let i = 0;
    const result = await pacedLoad(s.url, () => (i++ % 5 === 0 ? '/stuck' : '/x'), 50, 0.2, 300);
    expect(result).toMatchObject({ timeouts: 2, errors: 0, non_2xx: 0 });
  });
});
