// A consumer that stays in its group but takes no more batches (kafkajs has done so after a broker
// failover, with every /health saying ok) is noticed and replaced: /health names the stall, and the
// replacement consumes what waited. The stall is made with kafkajs's own pause() on the running
// consumer: it keeps its partitions and heartbeats, and fetches nothing from the topic.
import type { Consumer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeReference } from '../support/reference-data.ts';
import { orderEvent, restaurant, user } from '../../services/stg/test/order-fixtures.ts';
import { stgMain } from '../../services/stg/src/stg-main.ts';
import { buildStage, produce, startTestInfra, waitForStage, type RunningStage, type TestInfra } from '../support/service-harness.ts';

const STALL_MS = 3_000;
const ORDERS = 40;

let infra: TestInfra;
let stage: RunningStage;

beforeAll(async () => {
  infra = await startTestInfra();
  const { redis, prefix } = infra.redis;
  await storeReference(redis, prefix, { users: [user], restaurants: [restaurant] });
  stage = await buildStage(stgMain, infra.config(), { stallMs: STALL_MS });
  await stage.service.start();
}, 30_000);

afterAll(async () => {
  await stage?.service.stop();
  await infra?.close();
}, 30_000);

async function consumerHealth(): Promise<{ status: string; error?: string }> {
  const response = await stage.service.app.inject({ method: 'GET', url: '/health' });
  return (response.json() as { checks: Record<string, { status: string; error?: string }> }).checks.consumer!;
}

/** The kafkajs consumer the stage runs now (private to its supervisor). */
const currentConsumer = () => (stage.service.runner as unknown as { supervisor: { consumer: Consumer } }).supervisor.consumer;

const until = async <T>(what: string, read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs: number): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!ok(value)) {
    if (Date.now() > deadline) throw new Error(`${what} not seen within ${timeoutMs} ms; last: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    value = await read();
  }
  return value;
};

describe('a consumer that stops consuming', () => {
  it('is reported on /health and replaced, and what waited is then consumed', async () => {
    const { topics } = stage;
    await produce(infra.producer, topics.input, [{ key: '1', value: JSON.stringify(orderEvent(1, 'OPEN')) }]);
    await waitForStage(infra, stage);
    expect(await consumerHealth()).toEqual({ status: 'ok' });

    const stalled = currentConsumer();
    stalled.pause([{ topic: topics.input }]);
    const events = Array.from({ length: ORDERS }, (_, i) => orderEvent(100 + i, 'CLOSED'));
    await produce(
      infra.producer,
      topics.input,
      events.map((e) => ({ key: String(e.object_id), value: JSON.stringify(e) })),
    );

    // Idle with messages waiting: not before STALL_MS, named once it has passed.
    const seenAt = Date.now();
    const failing = await until('the stall on /health', consumerHealth, (check) => check.status === 'failing', STALL_MS + 15_000);
    expect(Date.now() - seenAt).toBeGreaterThanOrEqual(STALL_MS - 1_000);
    expect(failing.error).toMatch(new RegExp(`^consumer stalled: no batch for \\d+ s while ${ORDERS} messages wait on partitions \\d`));

    await waitForStage(infra, stage, 60_000);
    expect(currentConsumer()).not.toBe(stalled);
    const { rows } = await infra.db.pool.query<{ n: string }>('SELECT count(*) AS n FROM stg.order_events');
    expect(Number(rows[0]!.n)).toBe(ORDERS + 1);
    await until('/health ok again', consumerHealth, (check) => check.status === 'ok', 15_000);
  });

  it('an idle consumer with nothing waiting is left alone', async () => {
    const consumer = currentConsumer();
    await new Promise((resolve) => setTimeout(resolve, STALL_MS + 3_000));
    expect(currentConsumer()).toBe(consumer);
    expect(await consumerHealth()).toEqual({ status: 'ok' });
  });
});
