// The database or Redis refuses the work for reasons of its own, not of any message: the database
// turned read-only (a failover that left the services on a standby, default_transaction_read_only),
// a table the code writes is missing (a migration not run, a rename), Redis refuses stg's reads (an
// ACL change; a restart's LOADING or a new password look the same to stg). The stages must hold their
// batches and retry, not dead-letter the stream, and catch up exactly once things are put right.
// Redis is a server of this test's own, so that its ACL change touches nothing else.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareWithGroundTruth } from '../../services/cdm/src/ground-truth.ts';
import { committedOffsets, deadLetterRows, produce, type TestInfra } from '../support/service-harness.ts';
import { referenceKeys } from '@orders-dwh/shared/reference';
import { orderEvent, restaurant, user } from '../../services/stg/test/order-fixtures.ts';
import { storeReference } from '../support/reference-data.ts';
import { setReadOnly } from '../support/database.ts';
import { startPrivateRedis, type PrivateRedis } from '../support/private-redis.ts';
import { toolFound } from '../support/required-tool.ts';
import { startInProcessPipeline, type InProcessPipeline } from './support/in-process-pipeline.ts';

const HELD_FOR_MS = 4_000;
const runs = toolFound('redis-server', '--version', 'the deployment-faults suite');
let pipeline: InProcessPipeline;
let infra: TestInfra;
let redis: PrivateRedis;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
async function push(ids: number[], userId = user.id): Promise<void> {
  await produce(
    infra.producer,
    pipeline.config.topics.stg,
    ids.map((id) => ({ key: String(id), value: JSON.stringify(orderEvent(id, 'CLOSED', { userId })) })),
  );
}

/** Sum of the group's committed offsets on the topic (a partition never committed counts 0). */
async function committed(groupId: string, topic: string): Promise<number> {
  return [...(await committedOffsets(infra.admin, groupId, topic)).values()].reduce((sum, offset) => sum + Math.max(0, offset), 0);
}

async function expectExactWarehouse(orders: number): Promise<void> {
  await pipeline.drain(60_000);
  expect(await deadLetterRows(infra)).toEqual([]);
  const { rows } = await infra.db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM cdm.counted_orders');
  expect(rows[0]!.n).toBe(orders);
  expect(await compareWithGroundTruth(infra.db.pool)).toEqual([]);
}

beforeAll(async () => {
  if (!runs) return;
  redis = await startPrivateRedis();
  pipeline = await startInProcessPipeline({ REDIS_URL: redis.url });
  infra = pipeline.infra;
}, 60_000);

afterAll(async () => {
  await pipeline?.stop();
  await redis?.stop();
}, 30_000);

describe.runIf(runs)('a database or Redis that refuses the work for a while', () => {
  it('read-only (SQLSTATE 25006): the batches wait, nothing is dead-lettered, then everything is counted once', async () => {
    await setReadOnly(infra.db, true);
    await push([1, 2, 3, 4, 5, 6]);
    await sleep(HELD_FOR_MS);
    expect(await committed('stg-service', pipeline.config.topics.stg)).toBe(0);
    expect(await deadLetterRows(infra)).toEqual([]);
    await setReadOnly(infra.db, false);
    await expectExactWarehouse(6);
  }, 90_000);

  it('a table missing (42P01): dds waits while stg goes on, nothing is dead-lettered, then everything is counted once', async () => {
    const ddsBefore = await committed('dds-service', pipeline.config.topics.dds);
    await infra.db.pool.query('ALTER TABLE dds.s_order_cost RENAME TO s_order_cost_elsewhere');
    await push([7, 8, 9, 10, 11, 12]);
    await sleep(HELD_FOR_MS);
    expect(await committed('stg-service', pipeline.config.topics.stg)).toBe(12);
    expect(await committed('dds-service', pipeline.config.topics.dds)).toBe(ddsBefore);
    expect(await deadLetterRows(infra)).toEqual([]);
    await infra.db.pool.query('ALTER TABLE dds.s_order_cost_elsewhere RENAME TO s_order_cost');
    await expectExactWarehouse(12);
  }, 90_000);

  it("Redis refusing stg's reads (NOPERM): stg waits, nothing is dead-lettered, then everything is counted once", async () => {
    // A user stg has not cached yet, so that its orders need a read.
    const newcomer = { ...user, id: 'aaaaaaaaaaaaaaaaaaaaaaa2', name: 'Grace Hopper', login: 'grace' };
    await redis.admin.set(referenceKeys.user(infra.redis.prefix, newcomer.id), JSON.stringify(newcomer));
    await redis.admin.call('ACL', 'SETUSER', 'default', '-mget');
    await push([13, 14, 15], newcomer.id);
    await sleep(HELD_FOR_MS);
    expect(await committed('stg-service', pipeline.config.topics.stg)).toBe(12);
    expect(await deadLetterRows(infra)).toEqual([]);
    await redis.admin.call('ACL', 'SETUSER', 'default', '+mget');
    await expectExactWarehouse(15);
  }, 90_000);

  it('Redis emptied (a restart without its data, a FLUSHALL, or the wrong prefix): stg waits naming why, nothing is dead-lettered, then everything is counted once', async () => {
    const stranger = { ...user, id: 'aaaaaaaaaaaaaaaaaaaaaaa3', name: 'Edsger Dijkstra', login: 'ewd' };
    await redis.admin.flushall();
    await push([16, 17, 18], stranger.id);
    await sleep(HELD_FOR_MS);
    expect(await committed('stg-service', pipeline.config.topics.stg)).toBe(15);
    expect(await deadLetterRows(infra)).toEqual([]);
    const health = await pipeline.stages[0]!.service.app.inject({ method: 'GET', url: '/health' });
    expect(health.statusCode).toBe(503);
    expect(health.json().checks.consumer.error).toBe(
      `prepare failing: DependencyStateError: Redis holds no reference data under the key prefix "${infra.redis.prefix}" (${infra.redis.prefix}users and ${infra.redis.prefix}restaurants are not both there): orders wait until source loads it (restart source), or until REDIS_URL and REDIS_KEY_PREFIX name where it is`,
    );
    await storeReference(redis.admin, infra.redis.prefix, { users: [user, stranger], restaurants: [restaurant] });
    await expectExactWarehouse(18);
  }, 90_000);
});
