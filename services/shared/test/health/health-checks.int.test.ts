// The Postgres and Redis health checks against a dependency that hangs (a proxy that blackholes):
// failing while it lasts, ok again soon after — never stuck on a connection that hung.
import type pg from 'pg';
import type { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { startTcpProxy, type TcpProxy } from '../../../../test/support/tcp-proxy.ts';
import { createPool } from '../../src/clients/postgres.ts';
import { createRedis } from '../../src/clients/redis.ts';
import { postgresCheck, redisCheck, runHealthChecks, type HealthCheck } from '../../src/health/health-checks.ts';
import { createLogger } from '../../src/logger.ts';

const log = createLogger('test', 'silent');
let proxy: TcpProxy | undefined;
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  proxy?.restore();
  for (const cleanup of cleanups.splice(0)) await cleanup();
  await proxy?.close();
  proxy = undefined;
});

const status = async (check: HealthCheck) => (await runHealthChecks([check])).checks[check.name]!;

describe('health checks of a hung dependency', () => {
  it('postgres: failing while it hangs, ok at once after, although the hung pooled connections would wait 30 s', async () => {
    proxy = await startTcpProxy({ host: '127.0.0.1', port: 5432 });
    const pool: pg.Pool = createPool(`postgres://postgres@${proxy.address}/postgres`, log, 2); // default timeouts
    cleanups.push(() => pool.end());
    const check = postgresCheck(pool);
    expect(await status(check)).toEqual({ status: 'ok' });
    await Promise.all([pool.query('SELECT 1'), pool.query('SELECT 1')]); // both pooled connections open and idle
    proxy.blackhole();
    for (let i = 0; i < 3; i++) {
      const startedAt = Date.now();
      expect(await status(check)).toEqual({ status: 'failing', error: expect.stringMatching(/did not answer within 2000 ms/) });
      expect(Date.now() - startedAt).toBeLessThan(2500);
    }
    proxy.restore();
    const startedAt = Date.now();
    await expect.poll(() => status(check), { timeout: 3000, interval: 100 }).toEqual({ status: 'ok' });
    expect(Date.now() - startedAt).toBeLessThan(3000);
  });

  it('redis: failing while it hangs, ok again soon after', async () => {
    proxy = await startTcpProxy({ host: '127.0.0.1', port: 6379 });
    const redis: Redis = createRedis(`redis://${proxy.address}`, log); // default 5 s command timeout
    cleanups.push(() => redis.disconnect());
    const check = redisCheck(redis);
    await expect.poll(() => status(check)).toEqual({ status: 'ok' });
    proxy.blackhole();
    for (let i = 0; i < 3; i++) expect((await status(check)).status).toBe('failing');
    proxy.restore();
    await expect.poll(() => status(check), { timeout: 10_000, interval: 200 }).toEqual({ status: 'ok' });
  });
});
