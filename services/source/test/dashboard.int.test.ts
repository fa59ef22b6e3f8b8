// The dashboard's routes through app.inject, on real Kafka, Postgres and Redis: offsets and lag of
// real consumer groups, health read over HTTP from services that answer (or do not), dead letters
// from the table and re-driven to Kafka, the assets the page loads.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import Fastify, { type FastifyInstance } from 'fastify';
import { Kafka, logLevel, type Admin, type Producer } from 'kafkajs';
import pg from 'pg';
import { Registry } from 'prom-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { inTransaction } from '@orders-dwh/shared/clients';
import { runHealthChecks, type HealthCheck, registerHealthRoute } from '@orders-dwh/shared/health';
import { registerMetricsRoute, StageMetrics } from '@orders-dwh/shared/metrics';
import { insertDeadLetters } from '@orders-dwh/shared/stage';
import { loadConfig, type Config } from '@orders-dwh/shared/config';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.ts';
import { freePort } from '../../../test/support/free-port.ts';
import { startKafkaUnderTest, type KafkaUnderTest } from '../../../test/support/kafka-under-test.ts';
import { createTestRedis } from '../../../test/support/redis.ts';
import { buildApp, type OrderSink } from '../src/app.ts';
import { DashboardFeed } from '../src/dashboard/dashboard-feed.ts';
import type { DashboardSnapshot } from '../src/dashboard/dashboard-snapshot.ts';
import { readOffsets, readStatus, type PipelineSources } from '../src/dashboard/pipeline-reading.ts';
import { ensureReferenceData } from '../src/reference-store.ts';

const API_KEY = 'dashboard-test-key';
const noSink: OrderSink = { send: async () => undefined };
const testRedis = createTestRedis();
let broker: KafkaUnderTest;
let database: TestDatabase;
let kafka: Kafka;
let admin: Admin;
let producer: Producer;
let config: Config;
let closedPort: number;
const apps: FastifyInstance[] = [];

beforeAll(async () => {
  broker = await startKafkaUnderTest({ partitions: 2 });
  database = await createTestDatabase();
  kafka = new Kafka({ brokers: [broker.address], logLevel: logLevel.NOTHING });
  admin = kafka.admin();
  producer = kafka.producer();
  await Promise.all([admin.connect(), producer.connect()]);
  closedPort = await freePort();
  const suffix = Math.random().toString(36).slice(2, 8);
  config = loadConfig({
    REDIS_KEY_PREFIX: testRedis.prefix,
    TOPIC_STG: `stg_${suffix}`,
    TOPIC_DDS: `dds_${suffix}`,
    TOPIC_CDM: `cdm_${suffix}`,
    STG_URL: `http://127.0.0.1:${closedPort}`,
    DDS_URL: `http://127.0.0.1:${closedPort}`,
    CDM_URL: `http://127.0.0.1:${closedPort}`,
  });
  await admin.createTopics({
    topics: [config.topics.stg, config.topics.dds, config.topics.cdm, config.topics.deadLetters].map((topic) => ({ topic, numPartitions: 2 })),
  });
  await ensureReferenceData(testRedis.redis, { prefix: testRedis.prefix, users: 10, restaurants: 2, seed: 3, reload: false });
}, 120_000);

afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

afterAll(async () => {
  await Promise.allSettled([admin?.disconnect(), producer?.disconnect()]);
  await broker?.close();
  await testRedis.cleanup();
  await database?.drop();
});

/** The source app with its dashboard over these servers; `urls` replaces where stg, dds and cdm are. */
function dashboardApp(options: { urls?: Partial<Config['serviceUrls']>; pool?: pg.Pool; apiKey?: string | null } = {}) {
  const urls = { ...config.serviceUrls, ...options.urls };
  const pool = options.pool ?? database.pool;
  const ownChecks: HealthCheck[] = [{ name: 'postgres', check: async () => void (await pool.query('SELECT 1')) }];
  const sources: PipelineSources = {
    admin,
    pool,
    topics: { stg: config.topics.stg, dds: config.topics.dds, cdm: config.topics.cdm },
    urls,
    ownHealth: () => runHealthChecks(ownChecks),
  };
  const feed = new DashboardFeed({ offsets: () => readOffsets(sources), status: () => readStatus(sources) });
  const app = buildApp({
    config: { ...config, push: { ...config.push, apiKey: options.apiKey ?? null } },
    redis: testRedis.redis,
    db: pool,
    producer: noSink,
    dashboard: { feed, cdmUrl: urls.cdm, pool, redis: testRedis.redis, keyPrefix: testRedis.prefix, producer, apiKey: options.apiKey ?? null },
  });
  apps.push(app);
  return app;
}

async function snapshot(app: FastifyInstance): Promise<DashboardSnapshot> {
  const response = await app.inject({ method: 'GET', url: '/dashboard/snapshot' });
  expect(response.statusCode).toBe(200);
  return response.json<DashboardSnapshot>();
}

/** A service answering /health and /metrics with the project's own routes: the checks given and a stage's real figures. */
async function fakeService(checks: HealthCheck[], observe?: (metrics: StageMetrics) => void): Promise<string> {
  const app = Fastify();
  const registry = new Registry();
  const metrics = new StageMetrics(registry);
  observe?.(metrics);
  registerHealthRoute(app, checks);
  registerMetricsRoute(app, registry);
  apps.push(app);
  return app.listen({ host: '127.0.0.1', port: 0 });
}

describe('dashboard snapshot', () => {
  it("counts each layer's processed messages and lag from its consumer group's offsets", async () => {
    await producer.send({ topic: config.topics.stg, messages: Array.from({ length: 10 }, (_, i) => ({ key: String(i), value: '{}' })) });
    await producer.send({ topic: config.topics.dds, messages: Array.from({ length: 4 }, (_, i) => ({ key: String(i), value: '{}' })) });
    const ends = await admin.fetchTopicOffsets(config.topics.stg);
    // The stg group has processed all of one partition and one message less than all of the other.
    await admin.setOffsets({
      groupId: 'stg-service',
      topic: config.topics.stg,
      partitions: ends.map((p, i) => ({ partition: p.partition, offset: String(Number(p.high) - (i === 0 ? 1 : 0)) })),
    });
    const { layers, problems } = await snapshot(dashboardApp());
    expect(layers).toEqual([
      { layer: 'stg', topic: config.topics.stg, processed: 9, lag: 1, ratePerSecond: null },
      { layer: 'dds', topic: config.topics.dds, processed: 0, lag: 4, ratePerSecond: null },
      { layer: 'cdm', topic: config.topics.cdm, processed: 0, lag: 0, ratePerSecond: null },
    ]);
    expect(problems.filter((p) => p.startsWith('kafka'))).toEqual([]);
  });

  it('names every service that does not answer, and what fails in one that does', async () => {
    const cdm = await fakeService(
      [
        { name: 'kafka', check: async () => undefined },
        { name: 'postgres', check: async () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:5432')) },
      ],
      (metrics) => {
        for (const seconds of [0.2, 0.3, 0.4, 4])
          metrics.batchProcessed({
            topic: 'cdm',
            partition: 0,
            messages: 1,
            deadLetters: 0,
            produced: [],
            seconds: 0,
            writeSeconds: 0,
            highWatermark: '1',
            lastOffset: '0',
            eventAgesSeconds: [seconds],
          });
      },
    );
    const { services, freshness, problems } = await snapshot(dashboardApp({ urls: { cdm } }));
    expect(services).toEqual([
      { name: 'source', status: 'ok', failing: [], detail: null },
      {
        name: 'stg',
        status: 'unreachable',
        failing: [],
        detail: expect.stringMatching(new RegExp(`^not reachable at http://127.0.0.1:${closedPort}: connect ECONNREFUSED`)),
      },
      { name: 'dds', status: 'unreachable', failing: [], detail: expect.stringContaining(`127.0.0.1:${closedPort}`) },
      { name: 'cdm', status: 'failing', failing: ['postgres'], detail: 'postgres: connect ECONNREFUSED 127.0.0.1:5432' },
    ]);
    // One reading so far: the figures since cdm started, read from its /metrics.
    expect(freshness).toMatchObject({ windowSeconds: null, orders: 4 });
    expect(freshness!.p50Seconds).toBeGreaterThan(0.25);
    expect(freshness!.p50Seconds).toBeLessThanOrEqual(0.5);
    expect(problems).toEqual([]);
  });

  it('keeps showing Kafka and the services when Postgres is down, and says so', async () => {
    const unreachable = new pg.Pool({ connectionString: `postgres://postgres@127.0.0.1:${closedPort}/x`, connectionTimeoutMillis: 500 });
    try {
      const { layers, services, deadLetters, top, problems } = await snapshot(dashboardApp({ pool: unreachable }));
      expect(layers.map((l) => l.processed)).toEqual([9, 0, 0]);
      expect(services[0]).toMatchObject({ name: 'source', status: 'failing', failing: ['postgres'] });
      expect([deadLetters, top]).toEqual([null, null]);
      expect(problems).toEqual([
        expect.stringMatching(/^cdm metrics: /),
        expect.stringMatching(/^dead letters: .*ECONNREFUSED/),
        expect.stringMatching(/^top products: .*ECONNREFUSED/),
      ]);
    } finally {
      await unreachable.end();
    }
  });
});

describe('dead letters on the dashboard', () => {
  const letter = (offset: number, reason: string) => ({
    service: 'stg',
    topic: config.topics.stg,
    partition: 0,
    offset: String(offset),
    key: `k${offset}`,
    rawValue: `{"bad":${offset}}`,
    encoding: 'utf8' as const,
    reason,
    failedAt: new Date().toISOString(),
  });

  it('shows the pending ones with their latest reasons, and re-drives them with the API key only', async () => {
    await inTransaction(database.pool, (db) => insertDeadLetters(db, [letter(100, 'first <b>reason</b>'), letter(101, 'second'), letter(102, 'third')]));
    const app = dashboardApp({ apiKey: API_KEY });
    const { deadLetters } = await snapshot(app);
    expect(deadLetters).toMatchObject({ pending: 3, redriven: 0, pendingByService: { stg: 3 } });
    expect(deadLetters!.latest.map((l) => l.reason)).toEqual(['third', 'second', 'first <b>reason</b>']);

    const before = (await admin.fetchTopicOffsets(config.topics.stg)).reduce((sum, p) => sum + Number(p.high), 0);
    const refused = await app.inject({ method: 'POST', url: '/dashboard/redrive', payload: {} });
    expect(refused.statusCode).toBe(401);
    const badBody = await app.inject({ method: 'POST', url: '/dashboard/redrive', headers: { 'x-api-key': API_KEY }, payload: { service: 'nope' } });
    expect(badBody.statusCode).toBe(400);
    expect(badBody.json().message).toMatch(/may name one service/);

    const redriven = await app.inject({ method: 'POST', url: '/dashboard/redrive', headers: { 'x-api-key': API_KEY }, payload: { service: 'stg' } });
    expect(redriven.statusCode).toBe(200);
    expect(redriven.json()).toEqual({ redriven: 3, remaining: 0, message: 'Sent 3 dead letters of stg back to their topics; 0 still pending.' });
    const after = (await admin.fetchTopicOffsets(config.topics.stg)).reduce((sum, p) => sum + Number(p.high), 0);
    expect(after - before).toBe(3);
    const { rows } = await database.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM public.dead_letters WHERE redriven_at IS NULL');
    expect(rows[0]!.n).toBe(0);
  });
});

describe('user search', () => {
  it('refuses a malformed id, and names cdm when it cannot be reached', async () => {
    const app = dashboardApp();
    const malformed = await app.inject({ method: 'GET', url: '/dashboard/users/not-an-id' });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json()).toEqual({ error: 'invalid_params', message: 'A user id is 24 hexadecimal characters; got "not-an-id".' });
    const down = await app.inject({ method: 'GET', url: `/dashboard/users/${'a'.repeat(24)}` });
    expect(down.statusCode).toBe(503);
    expect(down.json().message).toMatch(new RegExp(`^The cdm service \\(read API\\) is not reachable at http://127.0.0.1:${closedPort}: connect ECONNREFUSED`));
  });

  it('offers users of the reference data to try', async () => {
    const response = await dashboardApp().inject({ method: 'GET', url: '/dashboard/sample-users' });
    const { user_ids: ids } = response.json<{ user_ids: string[] }>();
    expect(ids).toHaveLength(5);
    const all = await testRedis.redis.smembers(`${testRedis.prefix}users`);
    for (const id of ids) expect(all).toContain(id);
  });
});

describe('the page', () => {
  it('serves every file the page loads, from this package and node_modules, nothing from elsewhere', async () => {
    const app = dashboardApp();
    const page = await app.inject({ method: 'GET', url: '/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    const referenced = [...page.body.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!).filter((url) => !url.startsWith('data:'));
    const script = await app.inject({ method: 'GET', url: '/dashboard/dashboard.js' });
    referenced.push(...[...script.body.matchAll(/from '([^']+)'/g)].map((m) => m[1]!));
    expect(referenced).toEqual(['/dashboard/vendor/uPlot.min.css', '/dashboard/dashboard.css', '/dashboard/dashboard.js', '/dashboard/vendor/uPlot.esm.js']);
    for (const url of referenced) {
      const response = await app.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBe(200);
      expect(response.headers['content-type'], url).toMatch(url.endsWith('.js') ? /^text\/javascript/ : /^text\/css/);
    }
    const uplot = await app.inject({ method: 'GET', url: '/dashboard/vendor/uPlot.esm.js' });
    expect(uplot.body).toBe(readFileSync(createRequire(import.meta.url).resolve('uplot/dist/uPlot.esm.js'), 'utf8'));
  });
});
