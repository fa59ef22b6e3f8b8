// kafkajs restarts a crashed consumer only after errors it deems retriable; after any other one the
// consumer stays stopped for good. The runner replaces such a consumer. Here the crash is a
// non-retriable INCONSISTENT_GROUP_PROTOCOL: a foreign member with another assignment protocol holds
// the group when the service joins. While it does, /health names the consumer; once it leaves,
// the service recovers by itself and processes what waited.
import { AssignerProtocol, type Consumer, type PartitionAssigner } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toClosedOrderMessage } from '../../services/dds/src/closed-order-message.ts';
import { enrichedOrder, menu } from '../../services/dds/test/enriched-order-fixture.ts';
import { startStage, startTestInfra, waitForStage, type RunningStage, type TestInfra } from '../support/service-harness.ts';
import { ddsStage } from '../../services/dds/src/dds-stage.ts';
import { runBatch } from '../support/run-batch.ts';
import { cdmMain } from './support/stage-mains.ts';

let infra: TestInfra;
let stage: RunningStage | undefined;
let foreign: Consumer | undefined;

/** Takes every partition for itself, under a protocol name the services do not speak. */
const foreignAssigner: PartitionAssigner = () => ({
  name: 'ForeignAssigner',
  version: 0,
  async assign({ members }) {
    return members.map(({ memberId }) => ({
      memberId,
      memberAssignment: AssignerProtocol.MemberAssignment.encode({ version: 0, assignment: {}, userData: Buffer.alloc(0) }),
    }));
  },
  protocol({ topics }) {
    return { name: 'ForeignAssigner', metadata: AssignerProtocol.MemberMetadata.encode({ version: 0, topics, userData: Buffer.alloc(0) }) };
  },
});

async function health(): Promise<{ status: number; body: { failing?: string[]; checks: Record<string, { status: string; error?: string }> } }> {
  const response = await stage!.service.app.inject({ method: 'GET', url: '/health' });
  return { status: response.statusCode, body: response.json() };
}

beforeAll(async () => {
  infra = await startTestInfra();
}, 30_000);

afterAll(async () => {
  await foreign?.disconnect();
  await stage?.service.stop();
  await infra?.close();
}, 30_000);

describe('a consumer kafkajs gave up on', () => {
  it('is reported on /health and rebuilt once the cause is gone', async () => {
    foreign = infra.kafka.consumer({ groupId: 'cdm-service', partitionAssigners: [foreignAssigner], sessionTimeout: 10_000 });
    await foreign.connect();
    await foreign.subscribe({ topics: ['cdm_service'] });
    await foreign.run({ eachMessage: async () => {} });

    stage = await startStage(cdmMain, infra.config());
    await expect
      .poll(async () => (await health()).body.checks.consumer?.error ?? '', { timeout: 15_000, interval: 200 })
      .toMatch(/consumer stopped: .*protocol/i);
    expect((await health()).status).toBe(503);

    const order = enrichedOrder({ id: 41, userId: 1, status: 'CLOSED', products: [menu.soup, menu.tea] });
    await runBatch(infra.db.pool, ddsStage, [order]); // cdm counts only orders the vault holds
    await infra.producer.send({ topic: 'cdm_service', acks: -1, messages: [{ key: '41', value: JSON.stringify(toClosedOrderMessage(order)) }] });

    await foreign.disconnect();
    foreign = undefined;
    await expect.poll(async () => (await health()).status, { timeout: 30_000, interval: 250 }).toBe(200);
    await waitForStage(infra, stage, 20_000);
    const { rows } = await infra.db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM cdm.counted_orders');
    expect(rows[0]!.n).toBe(1);
  });
});
