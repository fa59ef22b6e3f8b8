// A backlog read in full-size batches: a stage's output for one batch all goes to one partition
// (same key, same partition count downstream), and 2,000 enriched orders are over the broker's
// 1 MiB record-batch limit. The runner and the source sink must split such sends; before they did,
// stg retried the same refused batch forever after a restart with a backlog.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStage, startTestInfra, topicSize, waitForStage, type RunningStage, type TestInfra } from '../support/service-harness.ts';
import { createKafkaOrderSink } from '../../services/source/src/kafka-order-sink.ts';
import { createOrderGenerator, lifecycleEvents } from '../../services/source/src/order-generator.ts';
import { seededRandom } from '../../services/source/src/random.ts';
import { readRestaurants, readUserIds, ensureReferenceData } from '../../services/source/src/reference-store.ts';
import { stgMain } from './support/stage-mains.ts';

let infra: TestInfra;
let stage: RunningStage | undefined;
/** 1,000 orders as lifecycle events: about 3,600 messages, 2.6 MB. */
let messages: Array<{ key: string; value: string }>;

beforeAll(async () => {
  infra = await startTestInfra();
  await infra.admin.createTopics({ topics: ['stg_service', 'dds_service', 'dead_letters', 'sink_test'].map((topic) => ({ topic, numPartitions: 1 })) });
  await ensureReferenceData(infra.redis.redis, { prefix: infra.redis.prefix, users: 50, restaurants: 8, seed: 42, reload: false });
  const generate = createOrderGenerator({
    random: seededRandom(3),
    reference: { userIds: await readUserIds(infra.redis.redis, infra.redis.prefix), restaurants: await readRestaurants(infra.redis.redis, infra.redis.prefix) },
  });
  messages = Array.from({ length: 1000 }, (_, i) => lifecycleEvents(generate(i + 1)).map((e) => ({ key: String(i + 1), value: JSON.stringify(e) }))).flat();
}, 30_000);

afterAll(async () => {
  await stage?.service.stop();
  await infra?.close();
}, 30_000);

describe('batches over the broker message size limit', () => {
  it('the source sink sends a 1,000-order lifecycle push (about 2.6 MB) to a single partition', async () => {
    expect(messages.reduce((sum, m) => sum + m.value.length, 0)).toBeGreaterThan(2 * 1024 * 1024);
    await createKafkaOrderSink(infra.producer, 'sink_test').send(messages);
    expect(await topicSize(infra.admin, 'sink_test')).toBe(messages.length);
  });

  it('stg works through the backlog in 2,000-message batches and forwards every event', async () => {
    for (let i = 0; i < messages.length; i += 300) await infra.producer.send({ topic: 'stg_service', acks: -1, messages: messages.slice(i, i + 300) });
    const backlog = await topicSize(infra.admin, 'stg_service');
    expect(backlog).toBe(messages.length);
    stage = await startStage(stgMain, infra.config({ CONSUMER_MAX_BATCH: '2000' }));
    await waitForStage(infra, stage, 30_000);
    expect(await topicSize(infra.admin, 'dds_service')).toBe(backlog);
    expect(await topicSize(infra.admin, 'dead_letters')).toBe(0);
  });
});
