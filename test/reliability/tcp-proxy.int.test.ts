// The proxy the outage tests put between the services and Postgres/Redis.
import net from 'node:net';
import pg from 'pg';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { destroyConnection } from '@orders-dwh/shared/clients';
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

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A raw connection that records what it receives and whether it was closed. */
async function rawConnection(port: number): Promise<{ socket: net.Socket; received: () => string; closed: () => boolean }> {
  const socket = net.connect(port, '127.0.0.1');
  let received = '';
  let closed = false;
  socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
  socket.on('error', () => (closed = true));
  socket.on('end', () => (closed = true));
  socket.on('close', () => (closed = true));
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  return { socket, received: () => received, closed: () => closed };
}

/** Whether a Postgres backend process still exists (asked directly, not through the proxy). */
async function backendAlive(pid: number): Promise<boolean> {
  const admin = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
  await admin.connect();
  try {
    const { rows } = await admin.query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE pid = $1', [pid]);
    return rows[0].n === 1;
  } finally {
    await admin.end();
  }
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

  it('blackhole: keeps connections open and accepts new ones but passes no byte either way; restore passes traffic again, what was sent meanwhile is lost', async () => {
    proxy = await startTcpProxy({ host: '127.0.0.1', port: 6379 });
    const before = await rawConnection(proxy.port);
    before.socket.write('PING\r\n');
    await expect.poll(before.received).toBe('+PONG\r\n');

    proxy.blackhole();
    expect(proxy.state).toBe('blackhole');
    expect(proxy.open).toBe(false);
    before.socket.write('PING lost\r\n');
    const during = await rawConnection(proxy.port); // accepted
    during.socket.write('PING\r\n');
    await sleep(500);
    expect(before.received()).toBe('+PONG\r\n');
    expect(during.received()).toBe('');
    expect(before.closed()).toBe(false);
    expect(during.closed()).toBe(false);

    proxy.restore();
    expect(proxy.open).toBe(true);
    before.socket.write('PING found\r\n');
    during.socket.write('PING again\r\n');
    await expect.poll(before.received).toBe('+PONG\r\n$5\r\nfound\r\n');
    await expect.poll(during.received).toBe('$5\r\nagain\r\n');
    before.socket.destroy();
    during.socket.destroy();
  });

  it('blackhole: a side that closes is seen by the other side only after restore', async () => {
    proxy = await startTcpProxy({ host: '127.0.0.1', port: 5432 });
    const url = `postgres://postgres@${proxy.address}/postgres`;
    const closing = new pg.Client({ connectionString: url });
    const terminated = new pg.Client({ connectionString: url });
    const errors: Error[] = [];
    for (const client of [closing, terminated]) {
      client.on('error', (error) => errors.push(error));
      await client.connect();
    }
    const closingPid = (await closing.query('SELECT pg_backend_pid() AS pid')).rows[0].pid as number;
    const terminatedPid = (await terminated.query('SELECT pg_backend_pid() AS pid')).rows[0].pid as number;
    let terminatedEnded = false;
    terminated.on('end', () => (terminatedEnded = true));

    proxy.blackhole();
    destroyConnection(closing); // the client side goes away...
    const admin = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
    await admin.connect();
    await admin.query('SELECT pg_terminate_backend($1)', [terminatedPid]); // ...and a server side too
    await admin.end();
    await sleep(500);
    expect(await backendAlive(closingPid)).toBe(true); // the server was not told
    expect(terminatedEnded).toBe(false); // nor was the client

    proxy.restore();
    await expect.poll(() => backendAlive(closingPid), { timeout: 5000 }).toBe(false);
    await expect.poll(() => terminatedEnded, { timeout: 5000 }).toBe(true);
    await terminated.end().catch(() => {});
  });
});
