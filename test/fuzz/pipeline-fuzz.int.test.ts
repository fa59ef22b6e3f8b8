// Property-based fuzz test through the real pipeline: source's /push and adversarial order events
// (see support/adversarial-orders.ts) go through stg → dds → cdm, with the development broker, a
// fresh database and real Redis. After each run: every partition drained, each broken message one
// stg dead letter with a reason, nothing dead-lettered further down, each valid CLOSED order
// counted once and the counters equal to the truth over the vault.
//
//   FUZZ_SEED=123 FUZZ_RUNS=20 FUZZ_CASES=300 npx vitest run test/fuzz   (a longer run on demand)
//   FUZZ_SHRINK=1 ...   shrink a failure to a minimal case (slow: every step drains the pipeline)
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareWithGroundTruth } from '../../services/cdm/src/ground-truth.ts';
import type { Config } from '@orders-dwh/shared/config';
import { ensureTopics } from '@orders-dwh/shared/kafka';
import { createLogger } from '@orders-dwh/shared/logging';
import { openServiceClients, type ServiceClients } from '@orders-dwh/shared/service';
import { chunkByBytes } from '@orders-dwh/shared/stage';
import { hubHashKey } from '@orders-dwh/shared/vault';
import { referenceKeys } from '@orders-dwh/shared/reference';
import { startStage, startTestInfra, type RunningStage, type TestInfra } from '../support/service-harness.ts';
import { buildApp } from '../../services/source/src/app.ts';
import { createKafkaOrderSink } from '../../services/source/src/kafka-order-sink.ts';
import { waitForDrain } from '../support/drain.ts';
import { stageGroups } from '../reliability/support/in-process-pipeline.ts';
import { cdmMain, ddsMain, stgMain } from '../reliability/support/stage-mains.ts';
import { buildCase, caseSpec, fuzzReference, type FuzzCase, type FuzzReference } from './support/adversarial-orders.ts';

const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
const RUNS = Number(process.env.FUZZ_RUNS ?? 4);
const CASES = Number(process.env.FUZZ_CASES ?? 150);
/** Fuzz orders get ids from here up; source's orders come from the sequence, far below. */
const FUZZ_ID_BASE = 10_000_000;

let infra: TestInfra;
let config: Config;
let stages: RunningStage[] = [];
let sourceClients: ServiceClients;
let source: FastifyInstance;
let ref: FuzzReference;
let nextOrderId = FUZZ_ID_BASE;
let pushedBySource = 0;

async function writeReference(reference: FuzzReference): Promise<void> {
  const { redis, prefix } = infra.redis;
  const multi = redis.multi();
  for (const u of [...reference.users, ...reference.malformedUsers])
    multi.set(referenceKeys.user(prefix, u.id), JSON.stringify({ ...u, update_ts: '2025-01-01T00:00:00.000Z' }));
  for (const r of [...reference.restaurants, ...reference.malformedRestaurants])
    multi.set(referenceKeys.restaurant(prefix, r.id), JSON.stringify({ ...r, update_ts: '2025-01-01T00:00:00.000Z' }));
  // Only the usable records are listed, so that source makes its orders from them alone.
  multi.sadd(referenceKeys.userIds(prefix), ...reference.users.map((u) => u.id));
  multi.sadd(referenceKeys.restaurantIds(prefix), ...reference.restaurants.map((r) => r.id));
  await multi.exec();
}

beforeAll(async () => {
  process.stdout.write(`pipeline fuzz: FUZZ_SEED=${SEED} FUZZ_RUNS=${RUNS} FUZZ_CASES=${CASES}\n`);
  infra = await startTestInfra();
  config = infra.config({ CONSUMER_MAX_BATCH: '200', PUSH_MAX_N: '1000' });
  ref = fuzzReference(SEED);
  await writeReference(ref);
  for (const main of [stgMain, ddsMain, cdmMain]) stages.push(await startStage(main as never, config));
  const log = createLogger('source', config.logLevel);
  sourceClients = await openServiceClients(config, 'source', log, { redis: true });
  await ensureTopics(sourceClients.kafka, [config.topics.stg], config.topicPartitions);
  source = buildApp({
    config,
    redis: sourceClients.redis!,
    db: sourceClients.pool,
    producer: createKafkaOrderSink(sourceClients.producer, config.topics.stg),
    log: log as FastifyBaseLogger,
    cancelShare: 0.3,
    orderEvents: 'lifecycle',
  });
}, 60_000);

afterAll(async () => {
  await source?.close();
  await sourceClients?.close();
  for (const stage of stages) await stage.service.stop();
  stages = [];
  await infra?.close();
}, 60_000);

/** Raw bytes of a dead letter as consumed, whatever its stored encoding. */
const rawBytes = (row: { raw_value: string | null; encoding: string }) =>
  Buffer.from(row.raw_value ?? '', row.encoding === 'base64' ? 'base64' : 'utf8').toString('base64');

async function checkRun(cases: FuzzCase[]): Promise<void> {
  const keys = new Set(cases.map((c) => String(c.orderId)));
  const { rows: stored } = await infra.db.pool.query<{ service: string; key: string | null; raw_value: string | null; encoding: string; reason: string }>(
    'SELECT service, key, raw_value, encoding, reason FROM public.dead_letters',
  );
  // A letter of bytes that are not text (NUL, invalid UTF-8) keeps its key base64-encoded too.
  const letters = stored
    .map((l) => ({ ...l, key: l.key !== null && l.encoding === 'base64' ? Buffer.from(l.key, 'base64').toString() : l.key }))
    .filter((l) => l.key !== null && keys.has(l.key));
  // Every broken message is one stg dead letter with a reason, and nothing valid is one.
  const expectedLetters = cases.flatMap((c) =>
    c.messages.filter((m) => !m.valid).map((m) => ({ key: m.key, bytes: m.value.toString('base64'), label: m.label })),
  );
  const actual = letters.map((l) => ({ service: l.service, key: l.key, bytes: rawBytes(l), reason: l.reason }));
  const sortKey = (x: { key: string | null; bytes: string }) => `${x.key} ${x.bytes}`;
  const missing = expectedLetters.filter((e) => !actual.some((a) => a.key === e.key && a.bytes === e.bytes));
  expect(
    missing.map((m) => `order ${m.key}: ${m.label}`),
    'broken messages that were not dead-lettered',
  ).toEqual([]);
  const unexpected = actual.filter((a) => !expectedLetters.some((e) => e.key === a.key && e.bytes === a.bytes));
  const labelOf = (a: { key: string | null; bytes: string }) =>
    cases.flatMap((c) => c.messages).find((m) => m.key === a.key && m.value.toString('base64') === a.bytes)?.label;
  expect(
    unexpected.map((a) => `${a.service} order ${a.key}: ${labelOf(a)}: ${a.reason}`),
    'valid messages that were dead-lettered',
  ).toEqual([]);
  expect(
    actual.map((a) => a.service).filter((s) => s !== 'stg'),
    'dead letters after stg',
  ).toEqual([]);
  // Duplicated broken messages are separate Kafka records: one letter each.
  expect(actual.map(sortKey).sort()).toEqual(expectedLetters.map(sortKey).sort());
  for (const letter of letters) expect(letter.reason.length).toBeGreaterThan(0);

  // Exactly the orders with a valid CLOSED event are counted, once.
  const { rows: counted } = await infra.db.pool.query<{ order_id: string }>('SELECT order_id FROM cdm.counted_orders WHERE order_id = ANY($1::uuid[])', [
    cases.map((c) => hubHashKey(c.orderId)),
  ]);
  const countedIds = new Set(counted.map((r) => r.order_id));
  const wrong = cases.filter((c) => countedIds.has(hubHashKey(c.orderId)) !== c.counted);
  expect(wrong.map((c) => `order ${c.orderId} counted=${!c.counted}: ${c.messages.map((m) => m.label).join(' | ')}`)).toEqual([]);
  expect(await compareWithGroundTruth(infra.db.pool)).toEqual([]);
}

describe('pipeline fuzz', () => {
  it(`drains, dead-letters every broken event and counts every valid order once (seed ${SEED})`, async () => {
    let events = 0;
    const outcome = await fc.check(
      fc.asyncProperty(fc.array(caseSpec, { minLength: CASES, maxLength: CASES }), async (specs) => {
        const cases = specs.map((spec) => buildCase(spec, nextOrderId++, ref));
        const messages = cases.flatMap((c) => c.messages);
        events += messages.length;
        for (const request of chunkByBytes(messages.map(({ key, value }) => ({ key, value })))) {
          await infra.producer.send({ topic: config.topics.stg, acks: -1, messages: request });
        }
        const pushed = await source.inject({ method: 'POST', url: '/push', payload: { N: 25 } });
        expect(pushed.statusCode).toBe(200);
        pushedBySource += 25;
        await waitForDrain(infra.admin, stageGroups(config), 90_000);
        await checkRun(cases);
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: process.env.FUZZ_SHRINK !== '1' },
    );
    // The counterexample is hundreds of cases: report the seed and the error, which names the messages.
    if (outcome.failed)
      throw new Error(
        `pipeline fuzz failed (FUZZ_SEED=${SEED}, run ${outcome.numRuns}, path ${outcome.counterexamplePath}): ${String(outcome.errorInstance)}`,
        { cause: outcome.errorInstance },
      );
    process.stdout.write(`pipeline fuzz: ${events} adversarial events and ${pushedBySource} source orders in ${RUNS} runs\n`);
    expect(events).toBeGreaterThanOrEqual(RUNS * CASES);
  });

  it("leaves no dead letter for source's own orders and no lag on any partition", async () => {
    const { rows } = await infra.db.pool.query<{ key: string; reason: string }>(
      `SELECT key, reason FROM public.dead_letters WHERE CASE WHEN key ~ '^[0-9]+$' THEN key::bigint END < $1`,
      [FUZZ_ID_BASE],
    );
    expect(rows).toEqual([]);
    const { rows: orders } = await infra.db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM stg.order_events WHERE object_id < $1', [FUZZ_ID_BASE]);
    expect(orders[0]!.n).toBe(pushedBySource);
    for (const group of stageGroups(config)) {
      const ends = await infra.admin.fetchTopicOffsets(group.topic);
      const [committed] = await infra.admin.fetchOffsets({ groupId: group.groupId, topics: [group.topic] });
      for (const { partition, high } of ends) {
        expect(Number(committed!.partitions.find((p) => p.partition === partition)?.offset ?? 0), `${group.groupId}[${partition}]`).toBe(Number(high));
      }
    }
  });
});
