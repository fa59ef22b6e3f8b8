// Scaled out, under crashes: two instances each of stg, dds and cdm in their consumer groups (a
// second fleet of processes beside the first), while lifecycle orders flow. Random instances are
// SIGKILLed and restarted (the groups rebalance their partitions each time), and each service dies
// at every crash point of a batch. Once drained, stg, dds and cdm hold row by row what a
// crash-free run holds, every satellite holds changes only, and the counters equal the ground
// truth: two writers of counted_orders competing for one order, counter rows locked by several
// instances, and satellites loaded by several instances at once change nothing.
//   SCALE_SEED=… replays a run's choices (printed).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CrashPoint } from '@orders-dwh/shared/stage';
import { seededRandom, testSeed } from '../support/seeded-random.ts';
import { createServiceFleet, type ServiceFleet, type ServiceName } from '../support/service-processes.ts';
import { expectedWarehouse } from './support/expected-warehouse.ts';
import { startPipelineUnderTest, type PipelineUnderTest } from './support/pipeline-under-test.ts';
import { superviseFleet, type Supervisor } from './support/supervisor.ts';
import { diffWarehouse } from './support/warehouse-diff.ts';

const SEED = testSeed('SCALE_SEED');
const random = seededRandom(SEED);
const PUSHES = 6;
const ORDERS_PER_PUSH = 400;
const KILLS = 6;
const CONSUMERS: ServiceName[] = ['stg', 'dds', 'cdm'];
const ARMED_POINTS: CrashPoint[] = ['before-commit', 'after-commit', 'after-produce'];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('two instances of every consuming service, under crashes', () => {
  let pipeline: PipelineUnderTest;
  let second: ServiceFleet;
  const supervisors: Supervisor[] = [];
  let chaos = true;

  beforeAll(async () => {
    console.info(`scale-out test: SCALE_SEED=${SEED}`);
    pipeline = await startPipelineUnderTest({
      env: { ORDER_EVENTS: 'lifecycle', CANCEL_SHARE: '0.2', PUSH_BATCH_SIZE: '200', CONSUMER_MAX_BATCH: '50', CONSUMER_SESSION_TIMEOUT_MS: '6000' },
    });
    second = await createServiceFleet(pipeline.fleet.env);
    for (const fleet of [pipeline.fleet, second]) {
      const supervisor: Supervisor = superviseFleet(fleet, {
        envFor(name): Record<string, string> {
          if (!chaos || !CONSUMERS.includes(name)) return {};
          const point = ARMED_POINTS[supervisor.crashLog.filter((c) => c.service === name).length];
          return point ? { STAGE_CRASH_POINT: point, STAGE_CRASH_PROBABILITY: '1' } : {};
        },
      });
      supervisors.push(supervisor);
    }
    for (const name of ['source', ...CONSUMERS] as const) await supervisors[0]!.start(name);
    for (const name of CONSUMERS) await supervisors[1]!.start(name);
  }, 120_000);

  afterAll(async () => {
    await second?.stopAll();
    await pipeline?.close();
  }, 60_000);

  it('ends with exactly what a crash-free run holds', { timeout: 240_000 }, async () => {
    const pusher = (async () => {
      for (let i = 0; i < PUSHES; i++) {
        const { status, body } = await pipeline.push(ORDERS_PER_PUSH);
        expect(status, JSON.stringify(body)).toBe(200);
        await sleep(300 + random() * 600);
      }
    })();
    const killer = (async () => {
      for (let i = 0; i < KILLS; i++) {
        await sleep(800 + random() * 1500);
        const supervisor = supervisors[Math.floor(random() * supervisors.length)]!;
        await supervisor.killAndRestart(CONSUMERS[Math.floor(random() * CONSUMERS.length)]!);
      }
    })();
    await Promise.all([pusher, killer]);
    chaos = false;
    for (const [i, supervisor] of supervisors.entries()) await supervisor.settled(i === 0 ? ['source', ...CONSUMERS] : CONSUMERS, 60_000);
    await pipeline.drain(120_000);

    const story = [
      `SCALE_SEED=${SEED}`,
      ...supervisors
        .flatMap((s, i) => s.events.map((e) => ({ ...e, fleet: i })))
        .sort((a, b) => a.at - b.at)
        .map((e) => `${(e.at / 1000).toFixed(1)}s ${e.service}#${e.fleet} ${e.what}`),
    ].join('\n');
    for (const supervisor of supervisors) expect(supervisor.unexpected, story).toEqual([]);
    const expected = expectedWarehouse(await pipeline.orderEvents());
    expect(expected.orders.size).toBe(PUSHES * ORDERS_PER_PUSH);
    const diff = await diffWarehouse(pipeline.db.pool, expected);
    expect(diff, story).toEqual({ stg: [], dds: [], cdm: [], groundTruth: [], deadLetters: 0 });

    expect(supervisors.flatMap((s) => s.events).filter((e) => e.what === 'SIGKILL by the test')).toHaveLength(KILLS);
    // Every service died at every crash point (an instance that holds no partition when armed may
    // not reach its point: the other instance of the service does).
    for (const name of CONSUMERS) {
      const points = new Set(supervisors.flatMap((s) => s.crashLog.filter((c) => c.service === name).map((c) => c.point)));
      expect([...points].sort(), `${name}\n${story}`).toEqual([...ARMED_POINTS].sort());
    }
  });
});
