// Outages: Postgres, Redis, then the broker are unreachable for OUTAGE_MS while orders are in
// flight (the issue speaks of 30 s; the tests use 10 s to stay short — the retry loop has reached
// its 5 s backoff ceiling well before, so a longer outage only adds more of the same attempts).
// Throughout, the services keep running and /health answers 503 naming the dependency; no offset
// moves while the work cannot be finished; once the dependency is back they catch up, and stg, dds
// and cdm hold exactly what the topic says — no order lost, none counted twice.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { committedOffsets } from '../../services/shared/test/service-harness.ts';
import { groupLag } from '../support/drain.ts';
import { SERVICE_NAMES, type ServiceName } from '../support/service-processes.ts';
import { expectedWarehouse } from './support/expected-warehouse.ts';
import { startPipelineUnderTest, STAGES, type PipelineUnderTest } from './support/pipeline-under-test.ts';
import { diffWarehouse } from './support/warehouse-diff.ts';

const OUTAGE_MS = Number(process.env.RELIABILITY_OUTAGE_MS ?? 10_000);
const ORDERS = 1500;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Health {
  status: number;
  failing: string[];
  checks: Record<string, { status: string; error?: string }>;
}

let pipeline: PipelineUnderTest;
/** Last words of services that exited, for failure messages. */
const exitedOutput = new Map<ServiceName, string>();

async function health(name: ServiceName): Promise<Health> {
  const proc = pipeline.fleet.running.get(name);
  if (!proc) throw new Error(`${name} is not running`);
  const response = await fetch(pipeline.fleet.url(name, '/health')).catch((error: Error) => {
    throw new Error(`${name}: ${error.message}\n${proc.output.slice(-20).join('')}`);
  });
  const body = (await response.json()) as { failing?: string[]; checks: Health['checks'] };
  return { status: response.status, failing: body.failing ?? [], checks: body.checks };
}

/** Polls until every named service reports the dependency failing (503); returns the last reports. */
async function waitUntilReported(names: ServiceName[], dependency: string, timeoutMs = 15_000): Promise<Record<string, Health>> {
  const deadline = Date.now() + timeoutMs;
  let last: Record<string, Health> = {};
  while (Date.now() < deadline) {
    last = Object.fromEntries(await Promise.all(names.map(async (n) => [n, await health(n)] as const)));
    if (names.every((n) => last[n]!.status === 503 && last[n]!.failing.includes(dependency))) return last;
    await sleep(250);
  }
  throw new Error(`not every service reported ${dependency} failing: ${JSON.stringify(last)}`);
}

async function waitUntilHealthy(timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: Array<[ServiceName, Health | string]> = [];
  while (Date.now() < deadline) {
    last = await Promise.all(SERVICE_NAMES.map(async (n) => [n, await health(n).catch((e: Error) => e.message)] as [ServiceName, Health | string]));
    if (last.every(([, h]) => typeof h !== 'string' && h.status === 200)) return;
    await sleep(250);
  }
  throw new Error(`not healthy again after ${timeoutMs} ms: ${JSON.stringify(last)}`);
}

async function offsetsOf(groups: typeof STAGES): Promise<string> {
  const all = await Promise.all(groups.map(async (g) => [g.groupId, [...(await committedOffsets(pipeline.admin, g.groupId, g.topic))].sort()]));
  return JSON.stringify(all);
}

/** Messages the groups have not committed yet: the outage must catch work in flight to prove anything. */
async function unfinished(groups: typeof STAGES): Promise<number> {
  let total = 0;
  for (const group of groups) total += await groupLag(pipeline.admin, group);
  return total;
}

function expectAllRunning(): void {
  for (const name of SERVICE_NAMES) {
    const proc = pipeline.fleet.running.get(name);
    expect(proc, `${name} is not running:\n${exitedOutput.get(name) ?? ''}`).toBeDefined();
    expect(proc!.child.exitCode, `${name} exited:\n${proc!.output.slice(-20).join('')}`).toBeNull();
  }
}

async function expectExactWarehouse(): Promise<void> {
  const expected = expectedWarehouse(await pipeline.orderEvents());
  const diff = await diffWarehouse(pipeline.db.pool, expected);
  expect(diff).toEqual({ stg: [], dds: [], cdm: [], groundTruth: [], deadLetters: 0 });
}

async function pushOrders(): Promise<void> {
  const { status, body } = await pipeline.push(ORDERS);
  expect(status, JSON.stringify(body)).toBe(200);
}

beforeAll(async () => {
  pipeline = await startPipelineUnderTest({
    proxies: true,
    env: {
      ORDER_EVENTS: 'lifecycle',
      CANCEL_SHARE: '0.2',
      CONSUMER_MAX_BATCH: '200',
      // Every lookup goes to Redis, so that a Redis outage stops stg's work.
      STG_CACHE_SIZE: '1',
    },
  });
  for (const name of SERVICE_NAMES) {
    const proc = await pipeline.fleet.start(name);
    void proc.exited.then(({ code, signal }) => exitedOutput.set(name, `exit ${code} ${signal}\n${proc.output.slice(-40).join('')}`));
  }
}, 90_000);

afterAll(async () => {
  await pipeline?.close();
}, 60_000);

describe('dependency outages while orders flow', () => {
  it('Postgres: 503 naming postgres, no offset moves, then exact catch-up', async () => {
    await pushOrders();
    pipeline.postgresProxy!.cut();
    const reports = await waitUntilReported(['stg', 'dds', 'cdm'], 'postgres');
    for (const report of Object.values(reports)) expect(report.checks.kafka).toEqual({ status: 'ok' });
    await sleep(1000);
    const during = await offsetsOf(STAGES);
    expect(await unfinished(STAGES)).toBeGreaterThan(0);
    await sleep(OUTAGE_MS - 1000);
    expect(await offsetsOf(STAGES)).toBe(during);
    expectAllRunning();
    pipeline.postgresProxy!.restore();
    await waitUntilHealthy();
    await pipeline.drain(60_000);
    expectAllRunning();
    await expectExactWarehouse();
  });

  it('Redis: stg answers 503 naming redis and commits nothing, then exact catch-up', async () => {
    await pushOrders();
    pipeline.redisProxy!.cut();
    const reports = await waitUntilReported(['stg'], 'redis');
    expect(reports.stg!.checks.postgres).toEqual({ status: 'ok' });
    await sleep(1000);
    const during = await offsetsOf([STAGES[0]!]);
    expect(await unfinished([STAGES[0]!])).toBeGreaterThan(0);
    await sleep(OUTAGE_MS - 1000);
    expect(await offsetsOf([STAGES[0]!])).toBe(during);
    expectAllRunning();
    pipeline.redisProxy!.restore();
    await waitUntilHealthy();
    await pipeline.drain(60_000);
    expectAllRunning();
    await expectExactWarehouse();
  });

  it('the broker: 503 naming kafka while it is down, then exact catch-up after it returns', async () => {
    await pushOrders();
    await pipeline.stopBroker();
    const reports = await waitUntilReported(['stg', 'dds', 'cdm'], 'kafka');
    for (const report of Object.values(reports)) expect(report.checks.postgres).toEqual({ status: 'ok' });
    await sleep(OUTAGE_MS);
    expectAllRunning();
    await pipeline.startBroker();
    await waitUntilHealthy(90_000);
    await pipeline.drain(90_000);
    expectAllRunning();
    await expectExactWarehouse();
  });

  it('every service still stops with exit code 0 on SIGTERM', async () => {
    for (const name of SERVICE_NAMES) expect(await pipeline.fleet.stop(name), name).toBe(0);
  });
});
