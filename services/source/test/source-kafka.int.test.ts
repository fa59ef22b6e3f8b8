// The source app with its real Kafka sink, the way main.ts wires it: POST /push → stg_service.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '@orders-dwh/shared/config';
import { type OrderEvent, orderEventContract } from '@orders-dwh/shared/contracts';
import { setReadOnly } from '../../../test/support/database.ts';
import { readTopic, startTestInfra, topicSize, type TestInfra } from '../../../test/support/service-harness.ts';
import { readRestaurants, readUserIds } from '../src/reference-store.ts';
import { sourceWithKafka } from './support/source-with-kafka.ts';

const N = 250;

let infra: TestInfra;
let config: Config;
let app: FastifyInstance;

const push = (payload: unknown) =>
  app.inject({
    method: 'POST',
    url: '/push',
    headers: { 'content-type': 'application/json' },
    payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
  });

beforeAll(async () => {
  infra = await startTestInfra();
  // Batches of 100: a push of 250 is three acknowledged sends.
  ({ app, config } = await sourceWithKafka(infra, { PUSH_MAX_N: '1000', PUSH_BATCH_SIZE: '100' }));
}, 30_000);

afterAll(async () => {
  await app?.close();
  await infra?.close();
}, 30_000);

describe('source with the Kafka sink', () => {
  it('answers GET /health 200 with kafka, postgres and redis ok', async () => {
    const response = await app.inject({ method: 'GET', url: '/health' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok', checks: { kafka: { status: 'ok' }, postgres: { status: 'ok' }, redis: { status: 'ok' } } });
  });

  it('puts exactly N valid order events on stg_service, keyed by their unique order ids', async () => {
    const response = await push({ N });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'success', messages_pushed: N });

    const messages = await readTopic(infra.kafka, config.topics.stg);
    expect(messages).toHaveLength(N);
    const events = messages.map((m) => JSON.parse(m.value!) as OrderEvent);
    for (const [i, event] of events.entries()) {
      expect(orderEventContract(event)).toEqual({ ok: true, value: event });
      expect(messages[i]!.key).toBe(String(event.object_id));
    }
    expect(new Set(events.map((e) => e.object_id)).size).toBe(N);
    // Keys spread the orders over the partitions.
    expect(new Set(messages.map((m) => m.partition)).size).toBeGreaterThan(1);

    // Made from the reference data in Redis.
    const userIds = new Set(await readUserIds(infra.redis.redis, config.redisKeyPrefix));
    const menus = new Map((await readRestaurants(infra.redis.redis, config.redisKeyPrefix)).map((r) => [r.id, new Set(r.menu.map((m) => m.id))]));
    for (const { payload } of events) {
      expect(userIds.has(payload.user.id)).toBe(true);
      expect(payload.order_items.every((item) => menus.get(payload.restaurant.id)?.has(item.id))).toBe(true);
    }
  });

  it('produces nothing for a bad request', async () => {
    const before = await topicSize(infra.admin, config.topics.stg);
    for (const body of [{ N: 0 }, { N: 1001 }, { N: '5' }, { N: 2.5 }, {}, { N: 3, extra: true }, '{"N": ']) {
      const response = await push(body);
      expect(response.statusCode, JSON.stringify(body)).toBe(400);
    }
    expect(await topicSize(infra.admin, config.topics.stg)).toBe(before);
    // The topic still holds exactly the earlier push.
    expect(before).toBe(N);
  });

  it('answers 503 naming Postgres while the database is read-only (a standby), and pushes again once it is not', async () => {
    const before = await topicSize(infra.admin, config.topics.stg);
    await setReadOnly(infra.db, true);
    try {
      // The first attempt may meet a session the termination has just ended; the next one is read-only.
      let response = await push({ N: 5 });
      if (response.json().message?.includes('terminat')) response = await push({ N: 5 });
      expect(response.statusCode).toBe(503);
      expect(response.json()).toMatchObject({ error: 'postgres_unavailable', messages_pushed: 0 });
      expect(response.json().message).toContain('read-only transaction');
    } finally {
      await setReadOnly(infra.db, false);
    }
    expect((await push({ N: 5 })).statusCode).toBe(200);
    expect(await topicSize(infra.admin, config.topics.stg)).toBe(before + 5);
  });
});
