// The database refuses writes for reasons of its own, not of any message: it turned read-only (a
// failover that left the services on a standby, default_transaction_read_only), or a table the
// code writes is missing (a migration not run, a rename). The stages must hold their batches and
// retry, not dead-letter the stream, and catch up exactly once the database is put right.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareWithGroundTruth } from '../../services/cdm/src/ground-truth.ts';
import { committedOffsets, deadLetterRows, produce, type TestInfra } from '../support/service-harness.ts';
import { orderEvent } from '../../services/stg/test/order-fixtures.ts';
import { startInProcessPipeline, type InProcessPipeline } from './support/in-process-pipeline.ts';

const HELD_FOR_MS = 4_000;
let pipeline: InProcessPipeline;
let infra: TestInfra;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const dbName = () => new URL(infra.db.url).pathname.slice(1);

/** Ends the pipeline's sessions, so that new ones see the database's new defaults. */
async function endSessions(): Promise<void> {
  await infra.db.pool.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [dbName()]);
}

async function push(ids: number[]): Promise<void> {
  await produce(
    infra.producer,
    pipeline.config.topics.stg,
    ids.map((id) => ({ key: String(id), value: JSON.stringify(orderEvent(id)) })),
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
  pipeline = await startInProcessPipeline();
  infra = pipeline.infra;
}, 60_000);

afterAll(async () => {
  await pipeline?.stop();
}, 30_000);

describe('a database that refuses writes for a while', () => {
  it('read-only (SQLSTATE 25006): the batches wait, nothing is dead-lettered, then everything is counted once', async () => {
    await infra.db.pool.query(`ALTER DATABASE "${dbName()}" SET default_transaction_read_only = on`);
    await endSessions();
    await push([1, 2, 3, 4, 5, 6]);
    await sleep(HELD_FOR_MS);
    expect(await committed('stg-service', pipeline.config.topics.stg)).toBe(0);
    expect(await deadLetterRows(infra)).toEqual([]);
    await infra.db.pool.query(`ALTER DATABASE "${dbName()}" SET default_transaction_read_only = off`);
    await endSessions();
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
});
