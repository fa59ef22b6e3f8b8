// The guarded front door: a per-client rate limit, the API key accepted only as a header, and query
// strings kept out of request logs. Behind the app: the real Postgres (order ids) and Redis (reference data).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, requirePushApiKey, type Config } from '@orders-dwh/shared/config';
import { createLogger } from '@orders-dwh/shared/logging';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.ts';
import { createTestRedis } from '../../../test/support/redis.ts';
import { buildApp, type OrderSink } from '../src/app.ts';
import { ensureReferenceData } from '../src/reference-store.ts';

const testRedis = createTestRedis();
let database: TestDatabase;
const apps: FastifyInstance[] = [];
const sink: OrderSink = { send: async () => undefined };
const KEY = 'k3y-only-in-headers';

beforeAll(async () => {
  database = await createTestDatabase();
  await ensureReferenceData(testRedis.redis, { prefix: testRedis.prefix, users: 5, restaurants: 2, seed: 1, reload: false });
});
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});
afterAll(async () => {
  await testRedis.cleanup();
  await database?.drop();
});

/** A source app configured by these variables; each test's clients have addresses of their own. */
function start(env: Record<string, string>, write?: (line: string) => void) {
  const config: Config = loadConfig({ REDIS_KEY_PREFIX: testRedis.prefix, ...env });
  const app = buildApp({
    config,
    redis: testRedis.redis,
    db: database.pool,
    producer: sink,
    ...(write ? { log: createLogger('source', 'info', { write }) } : {}),
  });
  apps.push(app);
  return { app };
}

const push = (app: FastifyInstance, options: { ip?: string; key?: string; url?: string } = {}) =>
  app.inject({
    method: 'POST',
    url: options.url ?? '/push',
    remoteAddress: options.ip ?? '127.0.0.1',
    headers: { 'content-type': 'application/json', ...(options.key ? { 'x-api-key': options.key } : {}) },
    payload: '{"N":1}',
  });

describe('POST /push rate limit', () => {
  it('answers 429 with Retry-After and a sentence past the limit, per client address', async () => {
    const { app } = start({ PUSH_RATE_LIMIT_MAX: '3', PUSH_RATE_LIMIT_WINDOW_MS: '60000' });
    const ip = `10.0.0.${Math.floor(Math.random() * 250) + 1}`;
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await push(app, { ip }));
    expect(answers.map((a) => a.statusCode)).toEqual([200, 200, 200, 429]);
    expect(answers[0]!.headers['x-ratelimit-limit']).toBe('3');
    const refused = answers[3]!;
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(refused.json()).toEqual({
      error: 'rate_limited',
      message: expect.stringMatching(/^Too many requests from this client: at most 3 per 60 seconds; retry in \d+ seconds?\.$/),
    });
    // Another client is not affected.
    expect((await push(app, { ip: `${ip}9` })).statusCode).toBe(200);
  });

  it('counts per source instance, in memory: another instance has its own count', async () => {
    const env = { PUSH_RATE_LIMIT_MAX: '1', PUSH_RATE_LIMIT_WINDOW_MS: '60000' };
    const ip = '10.1.0.7';
    const first = start(env).app;
    const second = start(env).app;
    const codes = [(await push(first, { ip })).statusCode, (await push(first, { ip })).statusCode, (await push(second, { ip })).statusCode];
    expect(codes).toEqual([200, 429, 200]);
  });

  it('frees the client once the window has passed', async () => {
    const { app } = start({ PUSH_RATE_LIMIT_MAX: '1', PUSH_RATE_LIMIT_WINDOW_MS: '1000' });
    const ip = `10.2.${Math.floor(Math.random() * 250)}.1`;
    expect([(await push(app, { ip })).statusCode, (await push(app, { ip })).statusCode]).toEqual([200, 429]);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await push(app, { ip })).statusCode).toBe(200);
  });

  it('is on by default, and PUSH_RATE_LIMIT_MAX=0 turns it off', async () => {
    expect(loadConfig({}).push.rateLimit).toEqual({ max: 120, windowMs: 60_000 });
    const limited = await push(start({}).app, { ip: '10.3.0.1' });
    expect(limited.headers['x-ratelimit-limit']).toBe('120');
    const { app } = start({ PUSH_RATE_LIMIT_MAX: '0' });
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(await push(app, { ip: '10.3.0.2' }));
    expect(answers.map((a) => a.statusCode)).toEqual([200, 200, 200, 200, 200]);
    expect(answers[0]!.headers['x-ratelimit-limit']).toBeUndefined();
  });

  it('counts refused requests too, so guessing the API key is limited as well', async () => {
    const { app } = start({ PUSH_RATE_LIMIT_MAX: '2', PUSH_API_KEY: KEY });
    const ip = `10.4.${Math.floor(Math.random() * 250)}.1`;
    const codes = [];
    for (const key of ['guess-1', 'guess-2', KEY]) codes.push((await push(app, { ip, key })).statusCode);
    expect(codes).toEqual([401, 401, 429]);
  });
});

describe('POST /push API key', () => {
  it('answers 401 without the key, and takes it only from the x-api-key header, never the query string', async () => {
    const { app } = start({ PUSH_API_KEY: KEY });
    const ip = '10.5.0.1';
    expect((await push(app, { ip })).json()).toEqual({ error: 'unauthorized', message: 'A valid x-api-key header is required.' });
    for (const url of [`/push?x-api-key=${KEY}`, `/push?api_key=${KEY}`, `/push?apiKey=${KEY}`, `/push?key=${KEY}`]) {
      expect((await push(app, { ip, url })).statusCode, url).toBe(401);
    }
    expect((await push(app, { ip, key: KEY })).statusCode).toBe(200);
  });

  it('is required to start in production: the source exits with one line naming PUSH_API_KEY', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'services/source/src/main.ts'], {
      cwd: path.resolve(import.meta.dirname, '..', '..', '..'),
      env: { PATH: process.env.PATH, NODE_ENV: 'production', PUSH_API_KEY: '' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toBe('source: PUSH_API_KEY is required when NODE_ENV=production: without it anyone who reaches the source could push orders\n');
  });

  it('requirePushApiKey: production without a key is refused; with one, or outside production, accepted', () => {
    expect(() => requirePushApiKey(loadConfig({ NODE_ENV: 'production' }))).toThrow(
      'PUSH_API_KEY is required when NODE_ENV=production: without it anyone who reaches the source could push orders',
    );
    expect(() => requirePushApiKey(loadConfig({ NODE_ENV: 'production', PUSH_API_KEY: KEY }))).not.toThrow();
    expect(() => requirePushApiKey(loadConfig({}))).not.toThrow();
  });
});

describe('request logs', () => {
  it('redact the query string and never hold the key, whichever way it was sent', async () => {
    const lines: string[] = [];
    const { app } = start({ PUSH_API_KEY: KEY }, (line) => lines.push(line));
    await push(app, { ip: '10.6.0.1', url: `/push?api_key=${KEY}&user=me` });
    await push(app, { ip: '10.6.0.1', key: KEY });
    await app.inject({ method: 'GET', url: `/nowhere?token=${KEY}` });
    const text = lines.join('');
    expect(text).not.toContain(KEY);
    const urls = lines.flatMap((line) => {
      const entry = JSON.parse(line) as { req?: { url: string } };
      return entry.req ? [entry.req.url] : [];
    });
    expect(urls).toEqual(['/push?[redacted]', '/push', '/nowhere?[redacted]']);
  });
});
