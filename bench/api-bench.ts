// npm run bench:api [-- --orders 1000000 --rate 200 --seconds 15 --load-rate 1000 --database dwh_bench_x --keep --compare-autocannon]
//
// The read API of the cdm service with --orders orders in the warehouse: the whole pipeline as
// separate processes (development broker, a fresh database unless --database names a filled one,
// a Redis key prefix), filled through POST /push, then each route offered --rate requests/s for
// --seconds (a request every 1/rate s, open loop, from this process: src/paced-load.ts) twice: with
// the pipeline idle, and while the source pushes --load-rate orders/s through it. Before the load,
// "serial" is the mean of 200 requests sent one at a time. --compare-autocannon also offers each
// route the same rate through autocannon's overallRate, idle, to show what that reports. Prints a
// table, then one JSON line. Progress on stderr.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import { Redis } from 'ioredis';
import { ensureDatabase } from '../scripts/migrate/ensure-database.ts';
import { runMigrations } from '../scripts/migrate/run.ts';
import { dropDatabase } from '../test/support/database.ts';
import { autocannonRoute, loadRoute, serialLatency, type RouteFigures } from './src/api-load.ts';
import { machineInfo } from './src/machine.ts';
import { committedTotal, consumerGroupId, endOffsetTotal } from '@orders-dwh/shared/kafka';
import type { StageGroup } from './src/offset-sampler.ts';
import { startBrokerProcess, startService, type ServiceInstance } from './src/processes.ts';
import { pacedPush, pushAll } from './src/push.ts';

const log = (message: string) => process.stderr.write(`[bench:api ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
const { values: args } = parseArgs({
  options: {
    orders: { type: 'string', default: '1000000' },
    rate: { type: 'string', default: '200' },
    seconds: { type: 'string', default: '15' },
    'load-rate': { type: 'string', default: '1000' },
    database: { type: 'string' },
    keep: { type: 'boolean', default: false },
    'compare-autocannon': { type: 'boolean', default: false },
  },
});
const positive = (name: string, text: string) => {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) {
    console.error(`--${name} must be a positive integer, got "${text}"`);
    process.exit(2);
  }
  return value;
};
const options = {
  orders: positive('orders', args.orders),
  rate: positive('rate', args.rate),
  seconds: positive('seconds', args.seconds),
  loadRate: positive('load-rate', args['load-rate']),
};

const cleanups: Array<() => Promise<unknown>> = [];
const cleanUp = async () => {
  for (const cleanup of cleanups.reverse().splice(0)) await cleanup().catch((error: Error) => log(`cleanup failed: ${error.message}`));
};
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void cleanUp().then(() => process.exit(130)));

const runId = randomBytes(4).toString('hex');
const serverUrl = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
const databaseName = args.database ?? `dwh_bench_${runId}`;
const databaseUrl = Object.assign(new URL(serverUrl.href), { pathname: `/${databaseName}` }).href;
const redisPrefix = `bench:${runId}:`;

async function main(): Promise<void> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'api-bench-broker-'));
  cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
  const broker = await startBrokerProcess(dataDir, 6, null);
  cleanups.push(() => broker.stop());

  const created = await ensureDatabase(databaseUrl);
  if (created && !args.keep) cleanups.push(() => dropDatabase(databaseName));
  await runMigrations(databaseUrl);
  const db = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  cleanups.push(() => db.end());
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  cleanups.push(async () => {
    const keys = await redis.keys(`${redisPrefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    LOG_LEVEL: 'warn',
    // The benchmark is the operator's own load generator: up to 10 pushes a second, past the per-client limit.
    PUSH_RATE_LIMIT_MAX: '0',
    DATABASE_URL: databaseUrl,
    REDIS_KEY_PREFIX: redisPrefix,
    KAFKA_BROKERS: broker.address,
    TOPIC_PARTITIONS: '6',
  };
  const services: ServiceInstance[] = [];
  cleanups.push(() => Promise.all(services.map((s) => s.stop())));
  for (const name of ['source', 'stg', 'dds', 'cdm'] as const) services.push(await startService(name, 1, env, null));
  const [source, , , cdm] = services as [ServiceInstance, ServiceInstance, ServiceInstance, ServiceInstance];
  log(`database ${databaseName}, services up`);

  const kafka = new Kafka({ clientId: `api-bench-${runId}`, brokers: [broker.address], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  cleanups.push(() => admin.disconnect());
  const stages: StageGroup[] = [
    { stage: 'stg', groupId: consumerGroupId('stg'), topic: 'stg_service' },
    { stage: 'dds', groupId: consumerGroupId('dds'), topic: 'dds_service' },
    { stage: 'cdm', groupId: consumerGroupId('cdm'), topic: 'cdm_service' },
  ];
  const drained = async () => {
    for (const stage of stages) if ((await committedTotal(admin, stage.groupId, stage.topic)) < (await endOffsetTotal(admin, stage.topic))) return false;
    return true;
  };

  const orderCount = async () => Number((await db.query('SELECT count(*) AS n FROM dds.h_order')).rows[0].n);
  const missing = options.orders - (await orderCount());
  if (missing > 0) {
    log(`filling: pushing ${missing} orders`);
    const started = performance.now();
    await pushAll(source.url('/push'), missing, 4, 10_000);
    while (!(await drained())) await new Promise((resolve) => setTimeout(resolve, 1000));
    log(`filled in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  }
  await db.query('ANALYZE');
  const orders = await orderCount();

  // What the requests ask for: users and products that exist, and orders to page from.
  const users = (await db.query<{ id: string }>('SELECT user_id AS id FROM dds.h_user')).rows.map((r) => r.id);
  const products = (await db.query<{ id: string }>('SELECT product_id AS id FROM dds.h_product')).rows.map((r) => r.id);
  const cursors = (
    await db.query<{ user: string; order: string }>(
      `SELECT u.user_id AS user, o.order_id::text AS order
       FROM (SELECT * FROM dds.l_order_user ORDER BY random() LIMIT 2000) ou
       JOIN dds.h_user u USING (h_user_pk) JOIN dds.h_order o USING (h_order_pk)`,
    )
  ).rows;
  const any = <T>(values: readonly T[]) => values[Math.floor(Math.random() * values.length)]!;
  let flip = false;
  const routes: Array<[string, () => string]> = [
    ['GET /users/:userId/recommendations', () => `/users/${any(users)}/recommendations?limit=10`],
    [
      'GET /users/:userId/orders',
      () => {
        flip = !flip;
        if (flip || cursors.length === 0) return `/users/${any(users)}/orders?limit=20`;
        const cursor = any(cursors);
        return `/users/${cursor.user}/orders?limit=20&before=${cursor.order}`;
      },
    ],
    ['GET /users/:userId/counters', () => `/users/${any(users)}/counters`],
    ['GET /products/:productId/also-ordered', () => `/products/${any(products)}/also-ordered?limit=10`],
  ];
  const base = cdm.url('');
  const measure = async (label: string, load = loadRoute) => {
    const figures: RouteFigures[] = [];
    for (const [route, next] of routes) {
      figures.push(await load(base, route, next, options.rate, options.seconds));
      log(`${label}: ${route} p50 ${figures.at(-1)!.p50_ms} ms, p99 ${figures.at(-1)!.p99_ms} ms`);
    }
    return figures;
  };

  // Warm-up, not recorded: connections opened, statements prepared, code optimised, caches filled.
  for (const [route, next] of routes) await loadRoute(base, route, next, options.rate, 3);
  const serial = new Map<string, { mean_ms: number; p99_ms: number }>();
  for (const [route, next] of routes) serial.set(route, await serialLatency(base, next));
  const idle = (await measure('idle')).map((f) => ({ ...f, serial: serial.get(f.route) }));
  const autocannonIdle = args['compare-autocannon'] ? await measure('idle, autocannon', autocannonRoute) : null;
  const loadSeconds = routes.length * options.seconds + 5;
  log(`loading: ${options.loadRate} orders/s for ${loadSeconds} s while measuring`);
  const pushing = pacedPush(source.url('/push'), options.loadRate, loadSeconds);
  await new Promise((resolve) => setTimeout(resolve, 3000));
  const loading = await measure('loading');
  const paced = await pushing;

  const result = {
    bench: 'api',
    machine: await machineInfo(db),
    orders_in_warehouse: orders,
    users: users.length,
    products: products.length,
    rate_per_route: options.rate,
    seconds_per_route: options.seconds,
    idle,
    idle_autocannon: autocannonIdle,
    loading: { orders_per_s: options.loadRate, pushed: paced.sent, late_ticks: paced.lateTicks, routes: loading },
  };
  const cell = (value: unknown) => String(value ?? '').padStart(7);
  const row = (f: RouteFigures) =>
    `${f.route.padEnd(38)} ${[f.serial?.mean_ms, f.requests_per_s, f.p50_ms, f.p99_ms, f.max_ms, f.non_2xx + f.errors, f.timeouts].map(cell).join(' ')}`;
  const header = `${'route'.padEnd(38)} ${['serial', 'req/s', 'p50', 'p99', 'max', 'failed', 'timeout'].map(cell).join(' ')}`;
  console.log(
    `${orders} orders, ${users.length} users, ${products.length} products; ${options.rate} requests/s per route for ${options.seconds} s; latencies in ms`,
  );
  console.log(`pipeline idle\n${header}\n${idle.map(row).join('\n')}`);
  if (autocannonIdle) console.log(`pipeline idle, the same rate through autocannon's overallRate\n${header}\n${autocannonIdle.map(row).join('\n')}`);
  console.log(`pipeline loading ${options.loadRate} orders/s (${paced.sent} pushed)\n${header}\n${loading.map(row).join('\n')}`);
  console.log(JSON.stringify(result));
  // A wrong answer fails the run; a timeout is the measurement of an offer the machine cannot serve.
  if ([...idle, ...(autocannonIdle ?? []), ...loading].some((f) => f.non_2xx + f.errors > 0)) process.exitCode = 1;
}

try {
  await main();
} catch (error) {
  log(`failed: ${(error as Error).stack ?? error}`);
  process.exitCode = 1;
} finally {
  await cleanUp();
}
