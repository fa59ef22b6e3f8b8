// Dead letters and their re-drive: an order whose user is unknown is dead-lettered while the rest
// of its batch goes on; once the user is added to Redis, `npm run redrive` sends it again and it is
// counted exactly once, however often re-drive runs. Stages run in-process; the command runs as
// the separate process a user would start.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareWithGroundTruth } from '../../services/cdm/src/ground-truth.ts';
import { startStage, startTestInfra, topicSize, type RunningStage, type TestInfra } from '../support/service-harness.ts';
import { waitForDrain } from '../support/drain.ts';
import { lifecycle, users, writeReference } from './support/order-fixtures.ts';
import { STAGES } from './support/pipeline-under-test.ts';
import { cdmMain, ddsMain, stgMain } from './support/stage-mains.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

let infra: TestInfra;
const stages: RunningStage[] = [];

function redrive(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'scripts/redrive.ts', ...args],
      { cwd: root, env: { ...process.env, ...infra.env() } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

async function one(sql: string, params: unknown[] = []): Promise<number> {
  const row = (await infra.db.pool.query<Record<string, unknown>>(sql, params)).rows[0]!;
  return Number(Object.values(row)[0]);
}

interface LetterRow {
  id: number;
  partition: number;
  offset: number;
  key: string | null;
  raw_value: string | null;
  reason: string;
  redriven: boolean;
}
async function letters(): Promise<LetterRow[]> {
  const { rows } = await infra.db.pool.query<LetterRow>(
    `SELECT id::int, partition, "offset"::int, key, raw_value, reason, redriven_at IS NOT NULL AS redriven FROM public.dead_letters ORDER BY id`,
  );
  return rows;
}

async function send(events: object[], key: (e: object, i: number) => string | null = (e) => String((e as { object_id: number }).object_id)): Promise<void> {
  await infra.producer.send({ topic: 'stg_service', acks: -1, messages: events.map((e, i) => ({ key: key(e, i), value: JSON.stringify(e) })) });
}

const drain = () => waitForDrain(infra.admin, STAGES, 30_000);

beforeAll(async () => {
  infra = await startTestInfra();
  await writeReference(infra.redis.redis, infra.redis.prefix, [users.ada]);
  for (const main of [stgMain, ddsMain, cdmMain]) stages.push(await startStage(main as never, infra.config({ STG_CACHE_SIZE: '100' })));
}, 60_000);

afterAll(async () => {
  await Promise.all(stages.map((s) => s.service.stop()));
  await infra?.close();
}, 60_000);

const adaOrder = lifecycle(1, ['OPEN', 'COOKING', 'DELIVERING', 'CLOSED'], { user: users.ada, itemIndexes: [0, 1] });
const graceOrder = lifecycle(2, ['OPEN', 'COOKING', 'DELIVERING', 'CLOSED'], { user: users.grace, itemIndexes: [0, 2, 3] });

describe('dead letters and re-drive', () => {
  it('dead-letters every event of an order whose user is unknown; the rest of the batch goes on', async () => {
    await send([...adaOrder, ...graceOrder]);
    await drain();
    const rows = await letters();
    expect(rows).toHaveLength(4);
    for (const row of rows) {
      expect(row.reason).toBe(`unknown user ${users.grace.id}`);
      expect(row.key).toBe('2');
      expect(JSON.parse(row.raw_value!)).toMatchObject({ object_id: 2 });
      expect(row.redriven).toBe(false);
    }
    expect(await one('SELECT count(*) FROM stg.order_events')).toBe(1);
    expect(await one('SELECT count(*) FROM cdm.counted_orders')).toBe(1);
    const onTopic = await topicSize(infra.admin, 'dead_letters');
    expect(onTopic).toBe(4);
  });

  it('--dry-run lists what would be re-driven and changes nothing', async () => {
    const before = await topicSize(infra.admin, 'stg_service');
    const { code, stdout } = await redrive('--service', 'stg', '--dry-run');
    expect(code).toBe(0);
    expect(stdout).toContain(
      'would re-drive 4 dead letters (service stg), 0 failed to send, 4 still pending (0 of them failed again after an earlier re-drive)\n',
    );
    expect(stdout).toContain(`unknown user ${users.grace.id}`);
    expect((await letters()).every((l) => !l.redriven)).toBe(true);
    expect(await topicSize(infra.admin, 'stg_service')).toBe(before);
  });

  it('finds nothing for another service', async () => {
    const { code, stdout } = await redrive('--service', 'dds');
    expect(code).toBe(0);
    expect(stdout.trim()).toBe('nothing to re-drive (service dds)');
  });

  it('after the user is added, re-drives the order, which is counted exactly once; a second run finds nothing', async () => {
    await writeReference(infra.redis.redis, infra.redis.prefix, [users.grace]);
    const before = await topicSize(infra.admin, 'stg_service');
    const first = await redrive('--service', 'stg');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(
      're-drove 4 dead letters (service stg), 0 failed to send, 0 still pending (0 of them failed again after an earlier re-drive)\n',
    );
    await drain();
    expect(await topicSize(infra.admin, 'stg_service')).toBe(before + 4);
    expect((await letters()).map((l) => l.redriven)).toEqual([true, true, true, true]);
    expect(await one('SELECT count(*) FROM public.dead_letters')).toBe(4);
    expect(await one(`SELECT count(*) FROM stg.order_events WHERE object_id = 2 AND payload->>'final_status' = 'CLOSED'`)).toBe(1);
    expect(await one('SELECT count(*) FROM cdm.counted_orders')).toBe(2);
    // Grace's one order adds 1 to each of its three products and its two categories.
    expect(
      await one(`SELECT sum(order_cnt) FROM cdm.user_product_counters c JOIN dds.h_user u ON u.h_user_pk = c.user_id WHERE u.user_id = $1`, [users.grace.id]),
    ).toBe(3);
    expect(
      await one(`SELECT sum(order_cnt) FROM cdm.user_category_counters c JOIN dds.h_user u ON u.h_user_pk = c.user_id WHERE u.user_id = $1`, [users.grace.id]),
    ).toBe(2);
    expect(await compareWithGroundTruth(infra.db.pool)).toEqual([]);

    const second = await redrive('--service', 'stg');
    expect(second.code).toBe(0);
    expect(second.stdout.trim()).toBe('nothing to re-drive (service stg)');
    await drain();
    expect(await topicSize(infra.admin, 'stg_service')).toBe(before + 4);
    expect(await one('SELECT count(*) FROM cdm.counted_orders')).toBe(2);
  });

  it('a re-drive sent twice (as after a crash between the send and the mark) still counts once', async () => {
    const counters = await infra.db.pool.query('SELECT * FROM cdm.user_product_counters ORDER BY user_id, product_id');
    await infra.db.pool.query('UPDATE public.dead_letters SET redriven_at = NULL');
    const again = await redrive();
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('re-drove 4 dead letters, 0 failed to send, 0 still pending (0 of them failed again after an earlier re-drive)\n');
    await drain();
    expect(await one('SELECT count(*) FROM cdm.counted_orders')).toBe(2);
    expect((await infra.db.pool.query('SELECT * FROM cdm.user_product_counters ORDER BY user_id, product_id')).rows).toEqual(counters.rows);
    expect(await compareWithGroundTruth(infra.db.pool)).toEqual([]);
  });

  it('a message that fails again becomes a new dead letter at its new offset; --id picks one letter', async () => {
    await infra.producer.send({ topic: 'stg_service', acks: -1, messages: [{ key: 'junk', value: '{"object_id": 9,' }] });
    await drain();
    const junk = (await letters()).filter((l) => l.key === 'junk');
    expect(junk).toHaveLength(1);
    expect(junk[0]!.reason).toMatch(/^not JSON: /);

    const { code, stdout } = await redrive('--id', String(junk[0]!.id));
    expect(code).toBe(0);
    expect(stdout).toContain(
      `re-drove 1 dead letter (ids ${junk[0]!.id}), 0 failed to send, 0 still pending (0 of them failed again after an earlier re-drive)\n`,
    );
    await drain();
    const after = (await letters()).filter((l) => l.key === 'junk');
    expect(after).toHaveLength(2);
    expect(after[0]).toMatchObject({ id: junk[0]!.id, redriven: true });
    expect(after[1]).toMatchObject({ raw_value: '{"object_id": 9,', redriven: false, partition: junk[0]!.partition });
    expect(after[1]!.offset).toBeGreaterThan(junk[0]!.offset);
    expect(after[1]!.id).toBeGreaterThan(junk[0]!.id);
    // The summary tells a letter of a message that already failed after a re-drive.
    const dry = await redrive('--dry-run');
    expect(dry.stdout).toContain('would re-drive 1 dead letter, 0 failed to send, 1 still pending (1 of them failed again after an earlier re-drive)\n');
  });

  it('a page whose send fails stays pending: the summary says so and the exit code is 1', async () => {
    // Over the broker's 1 MiB record-batch limit: Kafka refuses it.
    await infra.db.pool.query(
      `INSERT INTO public.dead_letters (service, topic, partition, "offset", key, raw_value, reason) VALUES ('cdm', 'cdm_service', 0, 1000000, 'big', repeat('x', 1100 * 1024), 'test')`,
    );
    const { code, stdout, stderr } = await redrive('--service', 'cdm');
    expect(code).toBe(1);
    expect(stdout).toContain('re-drove 0 dead letters (service cdm), 1 failed to send, 1 still pending (0 of them failed again after an earlier re-drive)\n');
    expect(stderr).toContain('redrive: sending failed, 1 dead letter left pending: ');
    expect(await one(`SELECT count(*) FROM public.dead_letters WHERE service = 'cdm' AND redriven_at IS NULL`)).toBe(1);
    await infra.db.pool.query(`DELETE FROM public.dead_letters WHERE service = 'cdm'`);
  });

  it('refuses bad arguments with usage and exit code 2', async () => {
    const { code, stderr } = await redrive('--service', 'source');
    expect(code).toBe(2);
    expect(stderr).toContain('--service must be one of stg, dds, cdm, got "source"');
    expect(stderr).toContain('Usage: npm run redrive');
  });
});
