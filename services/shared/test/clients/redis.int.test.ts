// Deadlines of the Redis client against a real Redis, hung on purpose through a proxy that
// blackholes (every socket stays open, no byte passes — bytes sent meanwhile are lost).
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rejection } from '../../../../test/support/rejection.ts';
import { startTcpProxy, type TcpProxy } from '../../../../test/support/tcp-proxy.ts';
import { createRedis, DeadlineRedis } from '../../src/clients/redis.ts';
import { createLogger } from '../../src/logger.ts';

const log = createLogger('test', 'silent');
const COMMAND_TIMEOUT_MS = 300;

let proxy: TcpProxy;
let redis: Redis;
let prefix: string;

beforeEach(async () => {
  proxy = await startTcpProxy({ host: '127.0.0.1', port: 6379 });
  redis = createRedis(`redis://${proxy.address}`, log, { commandTimeoutMs: COMMAND_TIMEOUT_MS });
  prefix = `test:${randomBytes(6).toString('hex')}:`;
  await redis.mset(`${prefix}a`, 'A', `${prefix}b`, 'B', `${prefix}c`, 'C');
});
afterEach(async () => {
  proxy.restore();
  redis.disconnect();
  await proxy.close();
  // Straight to Redis: the proxied client may still be reconnecting after a test's hang.
  const direct = new Redis('redis://127.0.0.1:6379');
  try {
    await direct.del(`${prefix}a`, `${prefix}b`, `${prefix}c`);
  } finally {
    direct.disconnect();
  }
});

describe('redis client deadlines', () => {
  it('a command with no answer fails after the command timeout; the connection is dropped and made again', async () => {
    proxy.blackhole();
    const { error, ms } = await rejection(redis.get(`${prefix}a`));
    expect(error.message).toBe('Command timed out');
    expect(ms).toBeLessThan(COMMAND_TIMEOUT_MS + 500);
    await expect.poll(() => redis.status, { timeout: 500 }).not.toBe('ready');
    // While the hang lasts, each new connection hangs in its handshake and is dropped in turn.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(redis.status).not.toBe('ready');
    proxy.restore();
    await expect.poll(() => redis.get(`${prefix}a`).catch((e: Error) => e.message), { timeout: 5000 }).toBe('A');
    expect(redis.status).toBe('ready');
  });

  it('no reply is ever matched to the wrong command after bytes were lost', async () => {
    proxy.blackhole();
    // Lost on the way: without dropping the connection this GET would stay first in the reply queue.
    await expect(redis.get(`${prefix}a`)).rejects.toThrow('Command timed out');
    proxy.restore();
    for (let round = 0; round < 10; round++) {
      const keys = ['b', 'c', 'a'];
      const results = await Promise.allSettled(keys.map((k) => redis.get(`${prefix}${k}`)));
      results.forEach((result, i) => {
        // Failing (timed out while reconnecting) is fine; another key's value never is.
        if (result.status === 'fulfilled') expect(result.value, `GET ${keys[i]} in round ${round}`).toBe(keys[i]!.toUpperCase());
      });
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(await Promise.all(['a', 'b', 'c'].map((k) => redis.get(`${prefix}${k}`)))).toEqual(['A', 'B', 'C']);
  });

  it('a late command timeout does not drop the newer connection', async () => {
    // A command written, then its connection lost and made again: only its own connection is dropped.
    const ready = redis as DeadlineRedis;
    const before = ready.stream;
    proxy.blackhole();
    await expect(redis.get(`${prefix}a`)).rejects.toThrow('Command timed out');
    await expect.poll(() => redis.status, { timeout: 500 }).not.toBe('ready');
    proxy.restore();
    await expect.poll(() => redis.status, { timeout: 5000 }).toBe('ready');
    const after = ready.stream;
    expect(after).not.toBe(before);
    await new Promise((resolve) => setTimeout(resolve, COMMAND_TIMEOUT_MS * 2));
    expect(ready.stream).toBe(after);
    expect(await redis.get(`${prefix}b`)).toBe('B');
  });

  it('quit() on a hung Redis settles within the command timeout', async () => {
    proxy.blackhole();
    const startedAt = Date.now();
    await redis.quit().catch(() => {});
    expect(Date.now() - startedAt).toBeLessThan(COMMAND_TIMEOUT_MS + 500);
    await expect.poll(() => redis.status).toBe('end');
  });

  it('duplicate() keeps the deadlines', () => {
    const copy = redis.duplicate();
    try {
      expect(copy).toBeInstanceOf(DeadlineRedis);
      expect(copy.options.commandTimeout).toBe(COMMAND_TIMEOUT_MS);
    } finally {
      copy.disconnect();
    }
  });
});
