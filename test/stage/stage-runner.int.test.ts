// The shared stage runner with the real dds stage, a real broker, Postgres and the dead letters:
// bad messages amid good ones in one partition, then a replay of the whole topic.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closedOrderContract, type EnrichedOrder } from '@orders-dwh/shared/contracts';
import type { Config } from '@orders-dwh/shared/config';
import type { DeadLetter } from '@orders-dwh/shared/stage';
import { toClosedOrderMessage } from '../../services/dds/src/closed-order-message.ts';
import { enrichedOrder, menu, orderLifecycle } from '../../services/dds/test/enriched-order-fixture.ts';
import {
  buildStage,
  committedOffsets,
  deadLetterRows,
  produce,
  readTopic,
  startTestInfra,
  waitForStage,
  type ProducedMessage,
  type RunningStage,
  type TestInfra,
} from '../support/service-harness.ts';
import { ddsMain } from '../../services/dds/src/dds-main.ts';

const PARTITION = 0;
const [open1, closed1] = orderLifecycle({ id: 1, userId: 1, products: [menu.soup, menu.steak] }, ['OPEN', 'CLOSED']);
const closed2 = enrichedOrder({ id: 2, userId: 2, status: 'CLOSED', updateTs: '2025-11-20T11:00:00.000Z', products: [menu.tea] });
const open3 = enrichedOrder({ id: 3, userId: 1, status: 'OPEN' });
const cancelled4 = enrichedOrder({ id: 4, userId: 3, status: 'CANCELLED', products: [menu.borscht] });
const noProducts = { ...enrichedOrder({ id: 5 }), payload: { ...enrichedOrder({ id: 5 }).payload, products: [] } };

const good = (order: EnrichedOrder): ProducedMessage => ({ key: String(order.object_id), value: JSON.stringify(order), partition: PARTITION });
const bad = (key: string | null, value: string | null, reason: RegExp) => ({ message: { key, value, partition: PARTITION }, reason });

const badOnes = [
  bad('bad-json', '{"object_id": 7,', /^not JSON: /),
  bad('bad-empty', '', /^empty message value$/),
  bad('bad-null', null, /^empty message value$/),
  bad('5', JSON.stringify(noProducts), /^contract: \/payload\/products must NOT have fewer than 1 items$/),
  bad(null, JSON.stringify({ object_id: 'six', object_type: 'order', payload: {} }), /^contract: \/object_id must be integer$/),
];
// Good and bad interleaved in one partition, so a bad message sits between events of one order.
const stream: Array<{ message: ProducedMessage; reason?: RegExp }> = [
  { message: good(open1) },
  badOnes[0]!,
  { message: good(closed2) },
  badOnes[1]!,
  badOnes[2]!,
  { message: good(open3) },
  { message: good(closed1) },
  badOnes[3]!,
  { message: good(cancelled4) },
  badOnes[4]!,
];

let infra: TestInfra;
let config: Config;
let stage: RunningStage | undefined;
let offsets: string[];

async function vaultSnapshot(): Promise<Record<string, { n: number; digest: string }>> {
  const { rows: tables } = await infra.db.pool.query<{ name: string }>(
    `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'dds' ORDER BY 1`,
  );
  const snapshot: Record<string, { n: number; digest: string }> = {};
  for (const { name } of tables) {
    const { rows } = await infra.db.pool.query<{ n: number; digest: string }>(
      `SELECT count(*)::int AS n, md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS digest FROM dds."${name}" t`,
    );
    snapshot[name] = rows[0]!;
  }
  return snapshot;
}

async function allDeadLetterColumns() {
  return (await infra.db.pool.query('SELECT * FROM public.dead_letters ORDER BY id')).rows;
}

beforeAll(async () => {
  infra = await startTestInfra();
  // Small chunks: the fetched batch is written in several transactions, each with its own commit.
  config = infra.config({ CONSUMER_MAX_BATCH: '3' });
  stage = await buildStage(ddsMain, config);
  offsets = await produce(
    infra.producer,
    config.topics.dds,
    stream.map((s) => s.message),
  );
  await stage.service.start();
  await waitForStage(infra, stage);
}, 30_000);

afterAll(async () => {
  await stage?.service.stop();
  await infra?.close();
}, 30_000);

describe('stage runner', () => {
  it('writes the valid messages to the vault, past the bad ones', async () => {
    const { rows } = await infra.db.pool.query<{ order_id: number }>('SELECT order_id::int FROM dds.h_order ORDER BY 1');
    expect(rows.map((r) => r.order_id)).toEqual([1, 2, 3, 4]);
    const statuses = await infra.db.pool.query<{ order_id: number; status: string }>(
      `SELECT h.order_id::int, s.status FROM dds.s_order_status s JOIN dds.h_order h USING (h_order_pk) ORDER BY 1, s.load_dt`,
    );
    expect(statuses.rows).toEqual([
      { order_id: 1, status: 'OPEN' },
      { order_id: 1, status: 'CLOSED' },
      { order_id: 2, status: 'CLOSED' },
      { order_id: 3, status: 'OPEN' },
      { order_id: 4, status: 'CANCELLED' },
    ]);
  });

  it('records each bad message once in public.dead_letters with where it came from and why', async () => {
    const rows = await deadLetterRows(infra);
    const expected = stream
      .map((s, i) => ({ ...s, offset: Number(offsets[i]) }))
      .filter((s) => s.reason)
      .map((s) => ({
        service: 'dds',
        topic: config.topics.dds,
        partition: PARTITION,
        offset: s.offset,
        key: s.message.key,
        raw_value: s.message.value,
        reason: expect.stringMatching(s.reason!),
      }));
    expect(rows).toEqual(expected);
  });

  it('sends one message per bad message to the dead-letter topic', async () => {
    const letters = await readTopic(infra.kafka, config.topics.deadLetters);
    expect(letters).toHaveLength(badOnes.length);
    const values = letters.map((m) => JSON.parse(m.value!) as DeadLetter).sort((a, b) => Number(a.offset) - Number(b.offset));
    const rows = await deadLetterRows(infra);
    expect(
      values.map((v) => ({
        service: v.service,
        topic: v.topic,
        partition: v.partition,
        offset: Number(v.offset),
        key: v.key,
        raw_value: v.rawValue,
        reason: v.reason,
      })),
    ).toEqual(rows);
    // Keyed like the message it carries (kafkajs reads a null key back as null).
    expect(letters.map((m) => m.key).sort()).toEqual(badOnes.map((b) => b.message.key).sort());
  });

  it('commits the offsets to the end of the partition', async () => {
    const [{ high }] = (await infra.admin.fetchTopicOffsets(config.topics.dds)).filter((p) => p.partition === PARTITION);
    expect(Number(high)).toBe(stream.length);
    expect((await committedOffsets(infra.admin, stage!.groupId, config.topics.dds)).get(PARTITION)).toBe(stream.length);
  });

  it('forwards one closed-order message per CLOSED order, keyed by order id', async () => {
    const forwarded = await readTopic(infra.kafka, config.topics.cdm);
    const byKey = Object.fromEntries(forwarded.map((m) => [m.key, JSON.parse(m.value!)]));
    expect(Object.keys(byKey).sort()).toEqual(['1', '2']);
    expect(forwarded).toHaveLength(2);
    expect(byKey['1']).toEqual(toClosedOrderMessage(closed1));
    expect(byKey['2']).toEqual(toClosedOrderMessage(closed2));
    for (const value of Object.values(byKey)) expect(closedOrderContract(value).ok).toBe(true);
  });

  it('changes nothing in the database when the whole topic is replayed', async () => {
    const vaultBefore = await vaultSnapshot();
    const lettersBefore = await allDeadLetterColumns();
    const forwardedBefore = (await readTopic(infra.kafka, config.topics.cdm)).length;
    const lettersOnTopicBefore = (await readTopic(infra.kafka, config.topics.deadLetters)).length;

    await stage!.service.stop();
    stage = undefined;
    await infra.admin.resetOffsets({ groupId: 'dds-service', topic: config.topics.dds, earliest: true });
    // kafkajs commits the "earliest" marker (-2) itself; the consumer resolves it to the log start.
    expect((await committedOffsets(infra.admin, 'dds-service', config.topics.dds)).get(PARTITION)).toBeLessThanOrEqual(0);

    stage = await buildStage(ddsMain, config);
    await stage.service.start();
    await waitForStage(infra, stage);

    // The replay really ran: everything was forwarded again (at least once, by design)...
    expect((await readTopic(infra.kafka, config.topics.cdm)).length).toBe(forwardedBefore * 2);
    expect((await readTopic(infra.kafka, config.topics.deadLetters)).length).toBe(lettersOnTopicBefore * 2);
    // ...and the database did not move.
    expect(await vaultSnapshot()).toEqual(vaultBefore);
    expect(await allDeadLetterColumns()).toEqual(lettersBefore);
    expect(lettersBefore).toHaveLength(badOnes.length);
  });
});
