// SIGTERM while a large batch is in flight: each consuming service in turn is stopped while its
// input is far from drained, must exit 0 within STOP_BOUND_MS (the runner finishes the batch in
// flight, commits, leaves the group), and is started again. Afterwards, nothing is lost and nothing
// counted twice: the warehouse equals what the topic says.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { groupLag } from '../support/drain.ts';
import { SERVICE_NAMES, type ServiceName } from '../support/service-processes.ts';
import { expectedWarehouse } from './support/expected-warehouse.ts';
import { startPipelineUnderTest, STAGES, type PipelineUnderTest } from './support/pipeline-under-test.ts';
import { diffWarehouse } from './support/warehouse-diff.ts';

const ORDERS_PER_ROUND = 2000;
const STOP_BOUND_MS = 10_000;
const BUSY_LAG = 200;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let pipeline: PipelineUnderTest;

beforeAll(async () => {
  pipeline = await startPipelineUnderTest({ env: { ORDER_EVENTS: 'lifecycle', CANCEL_SHARE: '0.2', CONSUMER_MAX_BATCH: '2000' } });
  for (const name of SERVICE_NAMES) await pipeline.fleet.start(name);
}, 90_000);

afterAll(async () => {
  await pipeline?.close();
}, 60_000);

/** Waits until the service's group has at least `lag` messages left to commit: it is in the middle of its work. */
async function waitUntilBusy(name: ServiceName, lag: number, timeoutMs = 30_000): Promise<number> {
  const stage = STAGES.find((s) => s.groupId === `${name}-service`)!;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const current = await groupLag(pipeline.admin, stage);
    if (current >= lag) return current;
    await sleep(20);
  }
  throw new Error(`${name} never had ${lag} messages to do`);
}

describe('SIGTERM with a batch in flight', () => {
  const stops: string[] = [];

  for (const name of ['stg', 'dds', 'cdm'] as const) {
    it(`${name} exits 0 within ${STOP_BOUND_MS / 1000} s and is started again`, async () => {
      const push = pipeline.push(ORDERS_PER_ROUND);
      const lag = await waitUntilBusy(name, BUSY_LAG);
      const proc = pipeline.fleet.running.get(name)!;
      const started = Date.now();
      const code = await pipeline.fleet.stop(name);
      const took = Date.now() - started;
      stops.push(`${name}: exit ${code} after ${took} ms with ${lag} messages to do`);
      expect(code, proc.output.slice(-20).join('')).toBe(0);
      expect(took).toBeLessThan(STOP_BOUND_MS);
      expect((await push).status).toBe(200);
      await pipeline.fleet.start(name);
    });
  }

  it('loses nothing and counts nothing twice', async () => {
    await pipeline.drain(90_000);
    const expected = expectedWarehouse(await pipeline.orderEvents());
    expect(expected.orders.size).toBe(3 * ORDERS_PER_ROUND);
    expect(await diffWarehouse(pipeline.db.pool, expected)).toEqual({ stg: [], dds: [], cdm: [], groundTruth: [], deadLetters: 0 });
    console.info(`graceful shutdown: ${stops.join('; ')}`);
  });
});
