// The proxy the outage tests put between the services and Postgres/Redis.
import net from 'node:net';
import pg from 'pg';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.ts';

let proxy: TcpProxy | undefined;
afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
});

function connectOutcome(port: number): Promise<'data' | 'closed'> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.on('data', () => {
      socket.destroy();
      resolve('data');
    });
    socket.on('error', () => resolve('closed'));
    socket.on('close', () => resolve('closed'));
    socket.on('connect', () => socket.write('PING\r\n'));
  });
}

describe('tcp proxy', () => {
  it('passes Redis traffic through, refuses it while cut, and passes it again after restore', async () => {
    proxy = await startTcpProxy({ host: '127.0.0.1', port: 6379 });
    expect(await connectOutcome(proxy.port)).toBe('data');
    proxy.cut();
    expect(proxy.open).toBe(false);
    expect(await connectOutcome(proxy.port)).toBe('closed');
    proxy.restore();
    expect(await connectOutcome(proxy.port)).toBe('data');
  });

  it('breaks an established Postgres session on cut', async () => {
    proxy = await startTcpProxy({ host: '127.0.0.1', port: 5432 });
    const client = new pg.Client({ connectionString: `postgres://postgres@${proxy.address}/postgres` });
    const errors: Error[] = [];
    client.on('error', (error) => errors.push(error));
    await client.connect();
    expect((await client.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    proxy.cut();
    await expect(client.query('SELECT 1')).rejects.toThrow();
    await client.end().catch(() => {});
    proxy.restore();
    const again = new pg.Client({ connectionString: `postgres://postgres@${proxy.address}/postgres` });
    await again.connect();
    expect((await again.query('SELECT 2 AS two')).rows).toEqual([{ two: 2 }]);
    await again.end();
  });

  it('makes an ioredis client fail commands while cut and recover after restore', async () => {
    proxy = await startTcpProxy({ host: '127.0.0.1', port: 6379 });
    const redis = new Redis(`redis://${proxy.address}`, { maxRetriesPerRequest: 1, retryStrategy: () => 50 });
    redis.on('error', () => {});
    try {
      expect(await redis.ping()).toBe('PONG');
      proxy.cut();
      await expect(redis.ping()).rejects.toThrow();
      proxy.restore();
      await expect.poll(() => redis.ping().catch(() => 'failed'), { timeout: 5000 }).toBe('PONG');
    } finally {
      redis.disconnect();
    }
  });
});
