// Crash anywhere, count exactly: the four services run as separate processes while thousands of
// lifecycle orders (a share cancelled, some events delivered twice and late) flow through them.
// The test SIGKILLs random services at random moments and restarts them, and the consuming
// services kill themselves at the critical points of a batch (inside the transaction, between the
// database commit and the produce, between the produce and the offset commit). Once the topics are
// drained, stg, dds and cdm must hold exactly what a crash-free run holds — derived from the
// stg_service topic itself — and the counters must equal the SQL ground truth. Halfway through,
// Kafka itself dies (SIGKILL of the JVM on Apache Kafka) and comes back on the same data.
//
// Reproducible: the moments, victims and duplicates come from CRASH_SEED (printed; set it to replay
// a run). Every crash point is hit by construction: each consumer arms the next point at each
// (re)start and dies at it on its first batch there. A soak on demand, many minutes:
//   CRASH_SEED=7 CRASH_PUSHES=120 CRASH_KILLS=300 npx vitest run test/reliability/crash.int.test.ts
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CrashPoint } from '@orders-dwh/shared/stage';
import { pick as pickWith, seededRandom, testSeed } from '../support/seeded-random.ts';
import { SERVICE_NAMES, type ServiceName } from '../support/service-processes.ts';
import { expectedWarehouse } from './support/expected-warehouse.ts';
import { startPipelineUnderTest, type PipelineUnderTest } from './support/pipeline-under-test.ts';
import { superviseFleet, type Supervisor } from './support/supervisor.ts';
import { diffWarehouse } from './support/warehouse-diff.ts';

const SEED = testSeed('CRASH_SEED');
const random = seededRandom(SEED);
const PUSHES = Number(process.env.CRASH_PUSHES ?? 8);
const ORDERS_PER_PUSH = 500;
const DUPLICATES = 400;
const KILLS = Number(process.env.CRASH_KILLS ?? 6);
/** After this many service kills, Kafka is killed and restarted once. */
const KAFKA_KILL_AFTER = Math.floor(KILLS / 2);
/** Each consuming service, at each (re)start, arms the next of these until it has died at all of them. */
const ARMED_POINTS: CrashPoint[] = ['after-commit', 'after-produce', 'before-commit'];
const CONSUMERS: ServiceName[] = ['stg', 'dds', 'cdm'];
/** Consuming services are killed three times as often as the source. */
const KILL_TARGETS: ServiceName[] = [...CONSUMERS, ...CONSUMERS, ...CONSUMERS, 'source'];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const between = (min: number, max: number) => min + random() * (max - min);
const pick = <T>(items: readonly T[]): T => pickWith(random, items);

describe('crashes while orders flow', () => {
  let pipeline: PipelineUnderTest;
  let supervisor: Supervisor;
  let chaos = true;

  beforeAll(async () => {
    console.info(`crash test: CRASH_SEED=${SEED}`);
    pipeline = await startPipelineUnderTest({
      env: {
        ORDER_EVENTS: 'lifecycle',
        CANCEL_SHARE: '0.2',
        PUSH_BATCH_SIZE: '250',
        // Small batches: many commits, so many critical windows to land in.
        CONSUMER_MAX_BATCH: '100',
        // A SIGKILLed member holds its partitions for the session timeout; keep it short.
        CONSUMER_SESSION_TIMEOUT_MS: '6000',
      },
    });
    supervisor = superviseFleet(pipeline.fleet, {
      envFor(name): Record<string, string> {
        if (!chaos || !CONSUMERS.includes(name)) return {};
        const point = ARMED_POINTS[supervisor.crashLog.filter((c) => c.service === name).length];
        return point ? { STAGE_CRASH_POINT: point, STAGE_CRASH_PROBABILITY: '1' } : {};
      },
    });
    for (const name of SERVICE_NAMES) await supervisor.start(name);
  }, 90_000);

  afterAll(async () => {
    await pipeline?.close();
  }, 60_000);

  it('ends with exactly what a crash-free run holds, and counters equal the ground truth', { timeout: 120_000 + PUSHES * 3_000 + KILLS * 3_000 }, async () => {
    let pushedOrders = 0;
    const failedPushes: string[] = [];

    const pusher = (async () => {
      for (let i = 0; i < PUSHES; i++) {
        try {
          const { status, body } = await pipeline.push(ORDERS_PER_PUSH);
          if (status === 200) pushedOrders += (body as { messages_pushed: number }).messages_pushed;
          else failedPushes.push(`${status} ${JSON.stringify(body)}`);
        } catch (error) {
          // The source was killed during the push: what it acknowledged is on the topic, the rest is not.
          failedPushes.push((error as Error).message);
          await supervisor.settled(['source'], 30_000);
        }
        if (i === PUSHES / 2) {
          // Deliver some events again, late: after later events of the same orders.
          const events = await pipeline.orderEvents();
          const again = Array.from({ length: DUPLICATES }, () => pick(events));
          await pipeline.producer.send({
            topic: 'stg_service',
            acks: -1,
            messages: again.map((e) => ({ key: String(e.object_id), value: JSON.stringify(e) })),
          });
        }
        await sleep(between(300, 900));
      }
    })();

    const killer = (async () => {
      for (let i = 0; i < KILLS; i++) {
        await sleep(between(1000, 2500));
        await supervisor.killAndRestart(pick(KILL_TARGETS));
        if (i + 1 === KAFKA_KILL_AFTER) {
          await pipeline.broker.kill();
          supervisor.note('kafka', `killed (${pipeline.broker.description})`);
          await sleep(between(1000, 3000));
          await pipeline.broker.start();
          supervisor.note('kafka', 'restarted on the same data');
        }
      }
    })();

    await Promise.all([pusher, killer]);
    chaos = false;
    await supervisor.settled(SERVICE_NAMES, 60_000);
    await pipeline.drain(90_000);
    await supervisor.settled(SERVICE_NAMES, 60_000);

    const story = [`CRASH_SEED=${SEED}`, ...supervisor.events.map((e) => `${(e.at / 1000).toFixed(1)}s ${e.service} ${e.what}`)].join('\n');
    expect(supervisor.unexpected, story).toEqual([]);
    expect(supervisor.events.filter((e) => e.what === 'SIGKILL by the test')).toHaveLength(KILLS);
    expect(
      supervisor.events.filter((e) => e.service === 'kafka').map((e) => e.what),
      story,
    ).toEqual([`killed (${pipeline.broker.description})`, 'restarted on the same data']);
    // Each consumer died once at each point: armed in turn at every (re)start, taken at the first batch.
    for (const name of CONSUMERS) {
      expect(
        supervisor.crashLog.filter((c) => c.service === name).map((c) => c.point),
        `${name}\n${story}`,
      ).toEqual(ARMED_POINTS);
    }

    const expected = expectedWarehouse(await pipeline.orderEvents());
    expect(expected.orders.size).toBeGreaterThanOrEqual(pushedOrders);
    expect(pushedOrders).toBeGreaterThanOrEqual(ORDERS_PER_PUSH * (PUSHES - failedPushes.length));
    // CANCEL_SHARE=0.2: about a fifth of the orders end CANCELLED and are never counted.
    const cancelled = [...expected.orders.values()].filter((o) => o.latestStatus === 'CANCELLED').length;
    expect(cancelled / expected.orders.size).toBeGreaterThan(0.15);
    expect(cancelled / expected.orders.size).toBeLessThan(0.25);
    // Every order ends CLOSED or CANCELLED, unless a push was cut short by killing the source.
    if (failedPushes.length === 0) expect(expected.closedOrders).toBe(expected.orders.size - cancelled);
    else expect(expected.closedOrders).toBeLessThanOrEqual(expected.orders.size - cancelled);

    const diff = await diffWarehouse(pipeline.db.pool, expected);
    expect(diff, story).toEqual({ stg: [], dds: [], cdm: [], groundTruth: [], deadLetters: 0 });
    console.info(
      `crash test on ${pipeline.broker.description}: ${expected.orders.size} orders (${expected.closedOrders} closed), ${KILLS} service kills and one of Kafka, crash points ${JSON.stringify(Object.fromEntries(supervisor.crashes))}, failed pushes ${failedPushes.length}\n${story}`,
    );
  });

  it('stops every service with exit code 0 on SIGTERM afterwards', async () => {
    for (const name of SERVICE_NAMES) expect(await pipeline.fleet.stop(name), name).toBe(0);
  });
});
