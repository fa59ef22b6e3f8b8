import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createPool, createRedis } from '@orders-dwh/shared/clients';
import { loadConfig, type Config } from '@orders-dwh/shared/config';
import { type OrderEvent, orderEventContract } from '@orders-dwh/shared/contracts';
import { createLogger } from '@orders-dwh/shared/logging';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.ts';
import { createTestRedis } from '../../../test/support/redis.ts';
import { startTcpProxy, type TcpProxy } from '../../../test/support/tcp-proxy.ts';
import { buildApp, BODY_LIMIT_BYTES, type OrderSink, type SourceAppDeps } from '../src/app.ts';
import { ensureReferenceData } from '../src/reference-store.ts';

const MAX_N = 5000;
const BATCH = 100;

/** Records what it is sent, as an acknowledging Kafka producer would; can fail from a given batch on. */
class ArraySink implements OrderSink {
  messages: Array<{ key: string; value: string }> = [];
  batches = 0;
  failFromBatch = Infinity;
  async send(messages: Array<{ key: string; value: string }>): Promise<void> {
    if (this.batches >= this.failFromBatch) throw new Error('broker down');
    this.batches++;
    this.messages.push(...messages);
  }
}

const testRedis = createTestRedis();
let database: TestDatabase;
let config: Config;
const apps: FastifyInstance[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  config = loadConfig({ REDIS_KEY_PREFIX: testRedis.prefix, PUSH_MAX_N: String(MAX_N), PUSH_BATCH_SIZE: String(BATCH) });
  await ensureReferenceData(testRedis.redis, { prefix: testRedis.prefix, users: 20, restaurants: 3, seed: 1, reload: false });
});
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});
afterAll(async () => {
  await testRedis.cleanup();
  await database?.drop();
});

function start(overrides: Partial<SourceAppDeps> = {}) {
  const sink = new ArraySink();
  const app = buildApp({ config, redis: testRedis.redis, db: database.pool, producer: sink, ...overrides });
  apps.push(app);
  return { app, sink };
}

/** Last value handed out by the order id sequence, or 0 when none yet. */
async function sequencePosition(): Promise<number> {
  const { rows } = await database.pool.query<{ last_value: string; is_called: boolean }>('SELECT last_value, is_called FROM stg.order_id_seq');
  return rows[0].is_called ? Number(rows[0].last_value) : 0;
}

interface BodyRequest {
  headers?: Record<string, string>;
  payload?: string;
}

const json = (body: unknown): BodyRequest => ({
  headers: { 'content-type': 'application/json' },
  payload: typeof body === 'string' ? body : JSON.stringify(body),
});

describe('POST /push', () => {
  it('generates N orders, sends them in batches and answers once all were acknowledged', async () => {
    const { app, sink } = start();
    const response = await app.inject({ method: 'POST', url: '/push', ...json({ N: 250 }) });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'success', messages_pushed: 250 });
    expect(sink.batches).toBe(3);
    expect(sink.messages).toHaveLength(250);
    const orders = sink.messages.map((m) => JSON.parse(m.value) as OrderEvent);
    expect(orders.filter((o) => !orderEventContract(o).ok)).toEqual([]);
    expect(sink.messages.every((m, i) => m.key === String(orders[i].object_id))).toBe(true);
    expect(new Set(orders.map((o) => o.object_id)).size).toBe(250);
    expect(Math.max(...orders.map((o) => o.object_id))).toBeLessThanOrEqual(await sequencePosition());
  });

  it('never reuses an order id across pushes and app instances', async () => {
    const first = start();
    const second = start();
    const responses = await Promise.all([
      first.app.inject({ method: 'POST', url: '/push', ...json({ N: 120 }) }),
      second.app.inject({ method: 'POST', url: '/push', ...json({ N: 130 }) }),
    ]);
    expect(responses.map((r) => r.statusCode)).toEqual([200, 200]);
    const keys = [...first.sink.messages, ...second.sink.messages].map((m) => m.key);
    expect(keys).toHaveLength(250);
    expect(new Set(keys).size).toBe(250);
  });

  it('sends one event per status for each order in lifecycle mode', async () => {
    const { app, sink } = start({ orderEvents: 'lifecycle' });
    const response = await app.inject({ method: 'POST', url: '/push', ...json({ N: 3 }) });
    expect(response.json()).toEqual({ status: 'success', messages_pushed: 3 });
    expect(sink.messages).toHaveLength(12);
    const statuses = sink.messages.map((m) => (JSON.parse(m.value) as OrderEvent).payload.final_status);
    expect(statuses.slice(0, 4)).toEqual(['OPEN', 'COOKING', 'DELIVERING', 'CLOSED']);
  });

  const badRequests: Array<[name: string, request: BodyRequest, status: number, messagePart: string]> = [
    ['missing N', { ...json({}) }, 400, 'N is missing'],
    ['N = 0', { ...json({ N: 0 }) }, 400, `N must be an integer from 1 to ${MAX_N}, got 0`],
    ['negative N', { ...json({ N: -3 }) }, 400, 'got -3'],
    ['fractional N', { ...json({ N: 1.5 }) }, 400, 'got 1.5'],
    ['N as a string', { ...json({ N: '5' }) }, 400, 'got "5"'],
    ['N as a boolean', { ...json({ N: true }) }, 400, 'got true'],
    ['N null', { ...json({ N: null }) }, 400, 'got null'],
    ['N above the maximum', { ...json({ N: MAX_N + 1 }) }, 400, `got ${MAX_N + 1}`],
    ['N far beyond any number', { ...json('{"N": 1e400}') }, 400, 'got a number out of range'],
    ['an unknown field', { ...json({ N: 1, extra: 2 }) }, 400, 'Unknown field "extra"'],
    ['a JSON array', { ...json([5]) }, 400, 'must be a JSON object'],
    ['a JSON number', { ...json('5') }, 400, 'must be a JSON object'],
    ['JSON null', { ...json('null') }, 400, 'must be a JSON object'],
    ['broken JSON', { ...json('{"N": ') }, 400, 'not valid JSON'],
    ['prototype poisoning', { ...json('{"N": 1, "__proto__": {"x": 1}}') }, 400, 'not valid JSON'],
    ['an empty JSON body', { headers: { 'content-type': 'application/json' }, payload: '' }, 400, 'empty'],
    ['no body at all', {}, 400, 'must be a JSON object'],
    ['text/plain', { headers: { 'content-type': 'text/plain' }, payload: '{"N": 5}' }, 415, 'Content-Type: application/json'],
    ['a form', { headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'N=5' }, 415, 'Content-Type: application/json'],
    ['an oversized body', { ...json({ N: 1, pad: 'x'.repeat(BODY_LIMIT_BYTES) }) }, 413, 'too large'],
  ];

  it.each(badRequests)('refuses %s with a clear 4xx and sends nothing', async (_name, request, status, messagePart) => {
    const { app, sink } = start();
    const before = await sequencePosition();
    const response = await app.inject({ method: 'POST', url: '/push', ...request });
    expect(response.statusCode).toBe(status);
    const body = response.json();
    expect(Object.keys(body).sort()).toEqual(['error', 'message']);
    expect(typeof body.error).toBe('string');
    expect(body.message).toMatch(/^[A-Z"].*\.$/);
    expect(body.message).toContain(messagePart);
    expect(sink.messages).toEqual([]);
    expect(await sequencePosition()).toBe(before);
  });

  it('accepts N = 1 and N = the maximum', async () => {
    const { app, sink } = start();
    expect((await app.inject({ method: 'POST', url: '/push', ...json({ N: 1 }) })).json()).toEqual({ status: 'success', messages_pushed: 1 });
    const response = await app.inject({
      method: 'POST',
      url: '/push',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      payload: JSON.stringify({ N: MAX_N }),
    });
    expect(response.json()).toEqual({ status: 'success', messages_pushed: MAX_N });
    expect(sink.messages).toHaveLength(MAX_N + 1);
  });

  it('requires the x-api-key header when an API key is configured', async () => {
    const { app, sink } = start({ config: { ...config, push: { ...config.push, apiKey: 's3cret' } } });
    const missing = await app.inject({ method: 'POST', url: '/push', ...json({ N: 2 }) });
    const wrong = await app.inject({ method: 'POST', url: '/push', headers: { 'content-type': 'application/json', 'x-api-key': 'guess' }, payload: '{"N":2}' });
    expect([missing.statusCode, wrong.statusCode]).toEqual([401, 401]);
    expect(missing.json()).toMatchObject({ error: 'unauthorized' });
    expect(sink.messages).toEqual([]);
    const right = await app.inject({
      method: 'POST',
      url: '/push',
      headers: { 'content-type': 'application/json', 'x-api-key': 's3cret' },
      payload: '{"N":2}',
    });
    expect(right.json()).toEqual({ status: 'success', messages_pushed: 2 });
  });

  it('answers 503 and sends nothing when no reference data is loaded', async () => {
    const { app, sink } = start({ config: { ...config, redisKeyPrefix: `${testRedis.prefix}empty:` } });
    const response = await app.inject({ method: 'POST', url: '/push', ...json({ N: 5 }) });
    expect(response.statusCode).toBe(503);
    expect(response.json()).toMatchObject({ error: 'reference_data_missing' });
    expect(sink.messages).toEqual([]);
  });

  it('answers 503 with the count acknowledged so far when Kafka fails part-way', async () => {
    const { app, sink } = start();
    sink.failFromBatch = 2;
    const response = await app.inject({ method: 'POST', url: '/push', ...json({ N: 450 }) });
    expect(response.statusCode).toBe(503);
    expect(response.json()).toMatchObject({ error: 'push_failed', messages_pushed: 200 });
    expect(response.json().message).toContain('200 of 450');
    expect(sink.messages).toHaveLength(200);
  });
});

describe('POST /push while Redis or Postgres is down', () => {
  const log = createLogger('source-test', 'silent');
  const closing: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const close of closing.splice(0).reverse()) await close();
  });

  /** A proxy in front of the real server, closed after the test (after the app, which afterEach closes first). */
  async function proxyTo(port: number): Promise<TcpProxy> {
    const proxy = await startTcpProxy({ host: '127.0.0.1', port });
    closing.push(() => proxy.close());
    return proxy;
  }

  it('answers 503 naming Redis while it is unreachable, and pushes again once it is back', async () => {
    const proxy = await proxyTo(6379);
    // The service's own client options (bounded retries per request).
    const redis = createRedis(`redis://${proxy.address}`, log);
    closing.push(async () => redis.disconnect());
    const { app, sink } = start({ redis });
    expect((await app.inject({ method: 'POST', url: '/push', ...json({ N: 3 }) })).statusCode).toBe(200);

    proxy.cut();
    const before = await sequencePosition();
    const response = await app.inject({ method: 'POST', url: '/push', ...json({ N: 5 }) });
    expect(response.statusCode).toBe(503);
    const body = response.json();
    expect(Object.keys(body).sort()).toEqual(['error', 'message']);
    expect(body.error).toBe('redis_unavailable');
    expect(body.message).toMatch(/^Redis \(reference data\) is not reachable: .+; retry later\.$/);
    expect(sink.messages).toHaveLength(3);
    expect(await sequencePosition()).toBe(before);

    proxy.restore();
    const after = await app.inject({ method: 'POST', url: '/push', ...json({ N: 5 }) });
    expect(after.statusCode).toBe(200);
    expect(after.json()).toEqual({ status: 'success', messages_pushed: 5 });
    expect(sink.messages).toHaveLength(8);
  });

  it('answers 503 naming Postgres while the order id sequence is unreachable, and pushes again once it is back', async () => {
    const proxy = await proxyTo(5432);
    const url = new URL(database.url);
    url.host = proxy.address;
    // The service's own pool (an idle client losing its server is logged, not thrown).
    const db = createPool(url.toString(), log, 2);
    closing.push(() => db.end());
    const { app, sink } = start({ db });
    expect((await app.inject({ method: 'POST', url: '/push', ...json({ N: 3 }) })).statusCode).toBe(200);

    proxy.cut();
    const response = await app.inject({ method: 'POST', url: '/push', ...json({ N: 5 }) });
    expect(response.statusCode).toBe(503);
    const body = response.json();
    expect(body).toMatchObject({ error: 'postgres_unavailable', messages_pushed: 0 });
    expect(body.message).toMatch(/^Postgres \(order ids\) is not reachable: .+; nothing was pushed, retry later\.$/);
    expect(sink.messages).toHaveLength(3);

    proxy.restore();
    const after = await app.inject({ method: 'POST', url: '/push', ...json({ N: 5 }) });
    expect(after.statusCode).toBe(200);
    expect(after.json()).toEqual({ status: 'success', messages_pushed: 5 });
    expect(sink.messages).toHaveLength(8);
  });
});

describe('other routes', () => {
  it.each(['GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'] as const)('answers %s /push with 405, Allow: POST and the error shape', async (method) => {
    const { app, sink } = start();
    const before = await sequencePosition();
    const response = await app.inject({ method, url: '/push?N=5' });
    expect(response.statusCode).toBe(405);
    expect(response.headers.allow).toBe('POST');
    expect(response.json()).toEqual({ error: 'method_not_allowed', message: `/push accepts only POST, not ${method}.` });
    expect(sink.messages).toEqual([]);
    expect(await sequencePosition()).toBe(before);
  });

  it('answers 405 before looking at the body: a PUT with a text body or without the API key is still 405', async () => {
    const { app } = start({ config: { ...config, push: { ...config.push, apiKey: 's3cret' } } });
    const response = await app.inject({ method: 'PUT', url: '/push', headers: { 'content-type': 'text/plain' }, payload: '{"N": 5}' });
    expect(response.statusCode).toBe(405);
    expect(response.headers.allow).toBe('POST');
    expect(response.json()).toMatchObject({ error: 'method_not_allowed' });
    const head = await app.inject({ method: 'HEAD', url: '/push' });
    expect([head.statusCode, head.headers.allow]).toEqual([405, 'POST']);
  });

  it('answers unknown routes with 404 in the same error shape', async () => {
    const { app } = start();
    const response = await app.inject({ method: 'GET', url: '/nope?x=1' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({ error: 'not_found', message: 'There is no route GET /nope.' });
  });

  it('lets the caller register GET /health through the health hook', async () => {
    const { app } = start({ health: (instance) => void instance.get('/health', async () => ({ status: 'ok' })) });
    expect((await app.inject({ method: 'GET', url: '/health' })).json()).toEqual({ status: 'ok' });
  });
});
