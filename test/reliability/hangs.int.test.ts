// Hangs: Postgres, then Redis, stop answering for HANG_MS without closing anything (the proxy
// blackholes: sockets stay open, bytes in both directions are dropped, new connections are accepted
// and hang too) while orders are in flight. Unlike an outage nothing fails by itself: only deadlines
// (query, statement and command timeouts, the health probes') turn the hang into failures that are
// retried. Throughout, /health answers 503 naming the dependency; after restore() the pipeline
// recovers on its own and stg, dds and cdm hold exactly what the topic says. Last, SIGTERM to a
// service whose Postgres hangs: it exits 0 within its grace period without committing unfinished work.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVICE_NAMES, type ServiceName } from '../support/service-processes.ts';
import { pipelineChecks, sleep } from './support/pipeline-checks.ts';
import { startPipelineUnderTest, STAGES, type PipelineUnderTest } from './support/pipeline-under-test.ts';

const HANG_MS = 10_000;
const ORDERS = 1500;
/** graceful-shutdown.ts: exit 1 when stopping takes longer. */
const GRACE_MS = 20_000;
/**
 * Shorter deadlines than the defaults (30 s query timeout, 5 s Redis command timeout), so that the
 * batches caught by the hang fail and are retried within the test's time.
 */
const DEADLINES = { PG_QUERY_TIMEOUT_MS: '5000', PG_STATEMENT_TIMEOUT_MS: '4000', REDIS_COMMAND_TIMEOUT_MS: '2000' };

let pipeline: PipelineUnderTest;
const checks = pipelineChecks(() => pipeline);
const { start } = checks;
const { health, waitUntilHealthy, offsetsOf, unfinished, expectAllRunning, expectExactWarehouse } = checks;
const waitUntilReported = (names: ServiceName[], dependency: string, timeoutMs = 10_000) => checks.waitUntilReported(names, dependency, timeoutMs);
const pushOrders = () => checks.pushOrders(ORDERS);

/** Polls /health of every service for `ms` and throws on the first that is not 503 naming the dependency. */
async function expectReportedFor(names: ServiceName[], dependency: string, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    for (const name of names) {
      const report = await health(name);
      expect(report.status, `${name} during the hang: ${JSON.stringify(report)}`).toBe(503);
      expect(report.failing, name).toContain(dependency);
    }
    await sleep(500);
  }
}

beforeAll(async () => {
  pipeline = await startPipelineUnderTest({
    proxies: true,
    env: {
      ORDER_EVENTS: 'lifecycle',
      CANCEL_SHARE: '0.2',
      CONSUMER_MAX_BATCH: '200',
      // Every lookup goes to Redis, so that a Redis hang stops stg's work.
      STG_CACHE_SIZE: '1',
      ...DEADLINES,
    },
  });
  for (const name of SERVICE_NAMES) await start(name);
}, 90_000);

afterAll(async () => {
  pipeline?.postgresProxy?.restore();
  pipeline?.redisProxy?.restore();
  await pipeline?.close();
}, 60_000);

describe('dependency hangs while orders flow', () => {
  it('Postgres hangs: 503 naming postgres while it lasts, no offset moves, then recovery on its own and exact counters', async () => {
    await pushOrders();
    const hangStartedAt = Date.now();
    pipeline.postgresProxy!.blackhole();
    const reports = await waitUntilReported(['stg', 'dds', 'cdm', 'source'], 'postgres');
    for (const name of ['stg', 'dds', 'cdm'] as const) expect(reports[name]!.checks.kafka).toEqual({ status: 'ok' });
    await sleep(1000);
    const during = await offsetsOf(STAGES);
    await checks.expectCommittedWithinProcessed(STAGES);
    expect(await unfinished(STAGES)).toBeGreaterThan(0);
    await expectReportedFor(['stg', 'dds', 'cdm'], 'postgres', HANG_MS - (Date.now() - hangStartedAt));
    expect(await offsetsOf(STAGES)).toBe(during);
    expectAllRunning();
    pipeline.postgresProxy!.restore();
    await waitUntilHealthy(20_000);
    await pipeline.drain(30_000);
    expectAllRunning();
    await expectExactWarehouse();
  }, 60_000);

  it('Redis hangs: stg answers 503 naming redis and commits nothing while it lasts, then recovery on its own and exact counters', async () => {
    await pushOrders();
    const hangStartedAt = Date.now();
    pipeline.redisProxy!.blackhole();
    const reports = await waitUntilReported(['stg', 'source'], 'redis');
    expect(reports.stg!.checks.postgres).toEqual({ status: 'ok' });
    await sleep(1000);
    const during = await offsetsOf([STAGES[0]!]);
    await checks.expectCommittedWithinProcessed([STAGES[0]!]);
    expect(await unfinished([STAGES[0]!])).toBeGreaterThan(0);
    await expectReportedFor(['stg'], 'redis', HANG_MS - (Date.now() - hangStartedAt));
    expect(await offsetsOf([STAGES[0]!])).toBe(during);
    expectAllRunning();
    pipeline.redisProxy!.restore();
    await waitUntilHealthy(20_000);
    await pipeline.drain(30_000);
    expectAllRunning();
    await expectExactWarehouse();
  }, 60_000);

  it('SIGTERM while Postgres hangs (default deadlines): exit 0 within the grace period, unfinished work not committed', async () => {
    // This stg runs with the default deadlines (30 s query timeout, longer than the grace period):
    // only stopping itself can end the batch it is stuck in.
    expect(await pipeline.fleet.stop('stg')).toBe(0);
    await start('stg', { PG_QUERY_TIMEOUT_MS: undefined, PG_STATEMENT_TIMEOUT_MS: undefined, REDIS_COMMAND_TIMEOUT_MS: undefined });
    await pushOrders();
    pipeline.postgresProxy!.blackhole();
    await waitUntilReported(['stg'], 'postgres');
    const before = await offsetsOf([STAGES[0]!]);
    expect(await unfinished([STAGES[0]!])).toBeGreaterThan(0);
    const proc = pipeline.fleet.running.get('stg')!;
    const stoppingAt = Date.now();
    const code = await pipeline.fleet.stop('stg');
    const stopMs = Date.now() - stoppingAt;
    expect(code, `exit ${code} after ${stopMs} ms:\n${proc.output.slice(-20).join('')}`).toBe(0);
    expect(stopMs).toBeLessThan(GRACE_MS);
    expect(await offsetsOf([STAGES[0]!])).toBe(before);
    pipeline.postgresProxy!.restore();
    await start('stg');
    await waitUntilHealthy(20_000);
    await pipeline.drain(30_000);
    expectAllRunning();
    await expectExactWarehouse();
  }, 90_000);
});
