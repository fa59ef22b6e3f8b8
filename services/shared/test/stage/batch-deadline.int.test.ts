// A batch attempt past BATCH_DEADLINE_MS is abandoned: its Postgres connection is destroyed (the
// server rolls the transaction back), /health says why while it lasts, nothing is committed, and
// the next attempt finishes the batch. Here the stage's write hangs in Postgres on the first attempt
// only, far longer than the deadline and than any query timeout would let it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config.ts';
import type { Contract } from '../../src/contracts/validate.ts';
import type { StageMain } from '../../src/service/run-stage-main.ts';
import type { StageDefinition } from '../../src/stage/stage-definition.ts';
import {
  committedOffsets,
  produce,
  startStage,
  startTestInfra,
  waitForStage,
  type RunningStage,
  type TestInfra,
} from '../../../../test/support/service-harness.ts';

const anyObject: Contract<{ id: number }> = (value) => ({ ok: true, value: value as { id: number } });
let attempts = 0;

const hangingOnce: StageDefinition<{ id: number }> = {
  name: 'dds',
  contract: anyObject,
  async write(db, items) {
    attempts++;
    await db.query('INSERT INTO deadline_probe (id) SELECT unnest($1::int[]) ON CONFLICT DO NOTHING', [items.map((i) => i.id)]);
    if (attempts === 1) await db.query('SELECT pg_sleep(60)');
    return [];
  },
};

const main: StageMain<{ id: number }, { id: number }> = {
  name: 'dds',
  usesRedis: false,
  port: (config) => config.ports.dds,
  topics: (config) => ({ input: config.topics.dds, output: null }),
  createStage: () => hangingOnce,
};

let infra: TestInfra;
let config: Config;
let stage: RunningStage;

beforeAll(async () => {
  infra = await startTestInfra();
  await infra.db.pool.query('CREATE TABLE deadline_probe (id int PRIMARY KEY)');
  // Query timeouts far beyond the deadline: only the deadline can end the hang.
  config = infra.config({ BATCH_DEADLINE_MS: '1500', PG_QUERY_TIMEOUT_MS: '120000', PG_STATEMENT_TIMEOUT_MS: '110000' });
  stage = await startStage(main, config);
}, 30_000);

afterAll(async () => {
  await stage?.service.stop();
  await infra?.close();
}, 30_000);

describe('a batch past its deadline', () => {
  it('is abandoned uncommitted, reported on /health, and done by the next attempt', async () => {
    await produce(
      infra.producer,
      config.topics.dds,
      [1, 2, 3].map((id) => ({ key: String(id), value: JSON.stringify({ id }), partition: 0 })),
    );
    await expect.poll(() => attempts, { timeout: 10_000 }).toBeGreaterThanOrEqual(1);

    const health = async () => (await stage.service.app.inject({ url: '/health' })).json() as { checks: Record<string, { status: string; error?: string }> };
    await expect.poll(async () => (await health()).checks.consumer?.error ?? '', { timeout: 10_000 }).toMatch(/did not finish within its deadline of 1500 ms/);

    await waitForStage(infra, stage, 20_000);
    expect(attempts).toBe(2);
    expect((await committedOffsets(infra.admin, stage.groupId, config.topics.dds)).get(0)).toBe(3);
    const { rows } = await infra.db.pool.query<{ id: number }>('SELECT id FROM deadline_probe ORDER BY id');
    expect(rows.map((r) => r.id)).toEqual([1, 2, 3]);
    // The abandoned session is gone: its sleep did not outlive the destroyed connection.
    const { rows: sleeping } = await infra.db.pool.query(
      `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'SELECT pg_sleep%'`,
    );
    expect(sleeping).toEqual([]);
    expect((await health()).checks.consumer).toEqual({ status: 'ok' });
  });
});
