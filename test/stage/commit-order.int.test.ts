// The order of a batch's effects, point by point, in process and deterministic: the dds stage is
// made to fail inside its transaction after the write, after the database commit (before the
// produce), and after the produce (before the offset commit). While it fails there the committed
// offset has not moved (it was snapshotted before anything was produced); once it goes on, the
// vault holds each order once and every CLOSED order is forwarded — the replay changed nothing.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EnrichedOrder } from '@orders-dwh/shared/contracts';
import type { Config } from '@orders-dwh/shared/config';
import type { CrashPoint } from '@orders-dwh/shared/stage';
import { ddsMain } from '../reliability/support/stage-mains.ts';
import { enrichedOrder, menu } from '../../services/dds/test/enriched-order-fixture.ts';
import {
  buildStage,
  committedOffsets,
  produce,
  readTopic,
  startTestInfra,
  waitForStage,
  type RunningStage,
  type TestInfra,
} from '../support/service-harness.ts';

const PARTITION = 1;
const orders: EnrichedOrder[] = Array.from({ length: 12 }, (_, i) =>
  enrichedOrder({ id: i + 1, status: i % 3 === 0 ? 'OPEN' : 'CLOSED', userId: (i % 4) + 1, products: [menu.soup, menu.tea] }),
);
const closedCount = orders.filter((o) => o.payload.status === 'CLOSED').length;

/** A hook that fails the batch at `point` (as a lost connection would) until released. */
function failAt(point: CrashPoint) {
  let reached!: () => void;
  const whenReached = new Promise<void>((resolve) => (reached = resolve));
  let failing = true;
  let failures = 0;
  return {
    whenReached,
    release: () => (failing = false),
    get failures() {
      return failures;
    },
    hook: (at: CrashPoint) => {
      if (at !== point || !failing) return;
      failures++;
      reached();
      throw Object.assign(new Error(`injected failure at ${point}`), { code: 'ECONNRESET' });
    },
  };
}

let infra: TestInfra;
let config: Config;
let stage: RunningStage | undefined;

beforeEach(async () => {
  infra = await startTestInfra();
  config = infra.config({ CONSUMER_MAX_BATCH: '1000' });
}, 30_000);

afterEach(async () => {
  await stage?.service.stop();
  stage = undefined;
  await infra?.close();
}, 30_000);

const count = async (sql: string) => (await infra.db.pool.query<{ n: number }>(sql)).rows[0]!.n;

describe('a batch failing at each point of its commit window', () => {
  it.each([
    ['before-commit', { vaultOrders: 0, forwarded: 0 }],
    ['after-commit', { vaultOrders: orders.length, forwarded: 0 }],
    ['after-produce', { vaultOrders: orders.length, forwarded: closedCount }],
  ] as const)('%s: the offset stays put until the batch is done; the replay changes nothing', async (point, during) => {
    const fault = failAt(point);
    stage = await buildStage(ddsMain, config, { crashHook: fault.hook });
    const before = await committedOffsets(infra.admin, stage.groupId, config.topics.dds);
    await stage.service.start();
    await produce(
      infra.producer,
      config.topics.dds,
      orders.map((o) => ({ key: String(o.object_id), value: JSON.stringify(o), partition: PARTITION })),
    );

    await fault.whenReached;
    // Failing at the point, retried with backoff: nothing committed past it, offsets untouched.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await committedOffsets(infra.admin, stage.groupId, config.topics.dds)).toEqual(before);
    expect(await count('SELECT count(*)::int AS n FROM dds.h_order')).toBe(during.vaultOrders);
    // After the produce, each retry forwards the batch again: a multiple of it.
    const forwardedDuring = (await readTopic(infra.kafka, config.topics.cdm)).length;
    if (during.forwarded === 0) expect(forwardedDuring).toBe(0);
    else expect(forwardedDuring % during.forwarded === 0 && forwardedDuring > 0).toBe(true);
    const health = await stage.service.app.inject({ url: '/health' });
    expect(health.statusCode).toBe(503);

    fault.release();
    await waitForStage(infra, stage, 20_000);
    expect(fault.failures).toBeGreaterThanOrEqual(1);
    expect((await committedOffsets(infra.admin, stage.groupId, config.topics.dds)).get(PARTITION)).toBe(orders.length);
    expect(await count('SELECT count(*)::int AS n FROM dds.h_order')).toBe(orders.length);
    expect(await count('SELECT count(*)::int AS n FROM dds.s_order_status')).toBe(orders.length);
    expect(await count('SELECT count(*)::int AS n FROM dds.l_order_product')).toBe(orders.length * 2);
    // Every CLOSED order forwarded: once, or once more per failed attempt when it failed after the produce.
    const forwarded = (await readTopic(infra.kafka, config.topics.cdm)).map((m) => m.key);
    expect(new Set(forwarded).size).toBe(closedCount);
    expect(forwarded.length).toBe(point === 'after-produce' ? closedCount * (fault.failures + 1) : closedCount);
    expect(await count('SELECT count(*)::int AS n FROM public.dead_letters')).toBe(0);
  });
});
