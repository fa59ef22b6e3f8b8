// In-process service tests: a Kafka (test/support/kafka-under-test.ts), a fresh database and a Redis prefix per test
// file, and the services built the way their entry points build them (loadConfig → clients →
// ensureTopics → buildStageService), but without listen() or process signals.
import { randomBytes } from 'node:crypto';
import { Kafka, logLevel, type Admin, type IHeaders, type Producer } from 'kafkajs';
import { createTestDatabase, type TestDatabase } from './database.ts';
import { waitForDrain } from './drain.ts';
import { startKafkaUnderTest, type KafkaUnderTest } from './kafka-under-test.ts';
import { createTestRedis, type TestRedis } from './redis.ts';
import { loadConfig, type Config } from '@orders-dwh/shared/config';
import { consumerGroupId, ensureTopics } from '@orders-dwh/shared/kafka';
import { createLogger, type Logger } from '@orders-dwh/shared/logging';
import { type StageMain, openServiceClients, type ServiceClients, buildStageService, type StageService } from '@orders-dwh/shared/service';
import type { CrashHook } from '@orders-dwh/shared/stage';

export const TEST_PARTITIONS = 3;
const LOG_LEVEL = process.env.TEST_LOG_LEVEL ?? 'silent';

export type TestBroker = KafkaUnderTest;

export function startTestBroker(): Promise<TestBroker> {
  return startKafkaUnderTest({ partitions: TEST_PARTITIONS });
}

/** Everything one test file needs: broker, database, Redis prefix, and a test-side Kafka client. */
export interface TestInfra {
  broker: TestBroker;
  db: TestDatabase;
  redis: TestRedis;
  kafka: Kafka;
  admin: Admin;
  producer: Producer;
  /** The service configuration for this infrastructure, with `overrides` on top. */
  env(overrides?: Record<string, string>): Record<string, string>;
  config(overrides?: Record<string, string>): Config;
  close(): Promise<void>;
}

export async function startTestInfra(): Promise<TestInfra> {
  const broker = await startTestBroker();
  const db = await createTestDatabase();
  const redis = createTestRedis();
  const kafka = new Kafka({ clientId: 'test-side', brokers: [broker.address], logLevel: logLevel.NOTHING, retry: { retries: 3 } });
  const admin = kafka.admin();
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await Promise.all([admin.connect(), producer.connect()]);
  const env = (overrides: Record<string, string> = {}) => ({
    DATABASE_URL: db.url,
    REDIS_URL: 'redis://127.0.0.1:6379',
    REDIS_KEY_PREFIX: redis.prefix,
    KAFKA_BROKERS: broker.address,
    KAFKA_CLIENT_ID: 'service-test',
    TOPIC_PARTITIONS: String(TEST_PARTITIONS),
    LOG_LEVEL,
    ...overrides,
  });
  return {
    broker,
    db,
    redis,
    kafka,
    admin,
    producer,
    env,
    config: (overrides) => loadConfig(env(overrides)),
    async close() {
      await Promise.allSettled([admin.disconnect(), producer.disconnect()]);
      await broker.close();
      await Promise.allSettled([redis.cleanup(), db.drop()]);
    },
  };
}

/** A consuming service built in-process the way runStageMain builds it. */
export interface RunningStage {
  service: StageService;
  clients: ServiceClients;
  config: Config;
  log: Logger;
  groupId: string;
  topics: { input: string; output: string | null; deadLetters: string };
}

/** Opens the clients, creates the topics and builds the service; `start()` is left to the caller. */
export async function buildStage<In, Ready>(
  main: StageMain<In, Ready>,
  config: Config,
  options: { crashHook?: CrashHook; stallMs?: number } = {},
): Promise<RunningStage> {
  const log = createLogger(main.name, config.logLevel);
  const clients = await openServiceClients(config, main.name, log, { redis: main.usesRedis, poolSize: config.consumer.partitionsConcurrently + 2 });
  const { input, output } = main.topics(config);
  try {
    await ensureTopics(clients.kafka, [input, ...(output ? [output] : []), config.topics.deadLetters], config.topicPartitions, config.topicReplicationFactor);
  } catch (error) {
    await clients.close();
    throw error;
  }
  const service = buildStageService(
    {
      name: main.name,
      inputTopic: input,
      outputTopic: output,
      stage: main.createStage(config, clients),
      crashHook: options.crashHook,
      stallMs: options.stallMs,
      routes: main.routes?.(config, log),
    },
    config,
    clients,
    log,
  );
  return { service, clients, config, log, groupId: consumerGroupId(main.name), topics: { input, output, deadLetters: config.topics.deadLetters } };
}

export async function startStage<In, Ready>(main: StageMain<In, Ready>, config: Config): Promise<RunningStage> {
  const stage = await buildStage(main, config);
  await stage.service.start();
  return stage;
}

export async function waitForStage(infra: TestInfra, stage: RunningStage, timeoutMs = 15_000): Promise<void> {
  await waitForDrain(infra.admin, [{ groupId: stage.groupId, topic: stage.topics.input }], timeoutMs);
}

export interface ProducedMessage {
  key: string | null;
  value: string | null;
  partition?: number;
}

/** Sends the messages in one request; returns the offset each one got, in input order. */
export async function produce(producer: Producer, topic: string, messages: ProducedMessage[]): Promise<string[]> {
  const offsets: string[] = [];
  // One send per partition keeps offsets predictable: base offset + position within the send.
  const byPartition = new Map<number | undefined, number[]>();
  messages.forEach((m, i) => {
    byPartition.set(m.partition, [...(byPartition.get(m.partition) ?? []), i]);
  });
  for (const [partition, indexes] of byPartition) {
    const metadata = await producer.send({
      topic,
      acks: -1,
      messages: indexes.map((i) => ({ key: messages[i]!.key, value: messages[i]!.value, ...(partition === undefined ? {} : { partition }) })),
    });
    if (partition !== undefined) {
      const base = BigInt(metadata[0]!.baseOffset!);
      indexes.forEach((i, n) => {
        offsets[i] = (base + BigInt(n)).toString();
      });
    }
  }
  return offsets;
}

export interface ConsumedMessage {
  partition: number;
  offset: string;
  key: string | null;
  value: string | null;
  headers?: IHeaders;
}

/** Every message on a topic now (up to the high watermarks), ordered by partition and offset. */
export async function readTopic(kafka: Kafka, topic: string, timeoutMs = 10_000): Promise<ConsumedMessage[]> {
  const admin = kafka.admin();
  await admin.connect();
  let ends: Array<{ partition: number; high: string; low: string }>;
  try {
    ends = await admin.fetchTopicOffsets(topic);
  } finally {
    await admin.disconnect();
  }
  const remaining = new Map(ends.filter((e) => BigInt(e.high) > BigInt(e.low)).map((e) => [e.partition, BigInt(e.high)]));
  const messages: ConsumedMessage[] = [];
  if (remaining.size === 0) return messages;

  const consumer = kafka.consumer({ groupId: `reader-${randomBytes(6).toString('hex')}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`readTopic(${topic}): still waiting for partitions ${[...remaining.keys()]} after ${timeoutMs} ms`)),
        timeoutMs,
      );
      consumer
        .run({
          autoCommit: false,
          eachMessage: async ({ partition, message }) => {
            const high = remaining.get(partition);
            if (high === undefined || BigInt(message.offset) >= high) return;
            messages.push({
              partition,
              offset: message.offset,
              key: message.key?.toString('utf8') ?? null,
              value: message.value?.toString('utf8') ?? null,
              headers: message.headers,
            });
            if (BigInt(message.offset) + 1n >= high) remaining.delete(partition);
            if (remaining.size === 0) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return messages.sort((a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)));
}

/** Sum of the high watermarks of a topic: how many messages it has received. */
export async function topicSize(admin: Admin, topic: string): Promise<number> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return offsets.reduce((sum, { high }) => sum + Number(high), 0);
}

/** Committed offset of a group per partition (-1 when nothing is committed). */
export async function committedOffsets(admin: Admin, groupId: string, topic: string): Promise<Map<number, number>> {
  const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
  return new Map(committed?.partitions.map((p) => [p.partition, Number(p.offset)]) ?? []);
}

export interface DeadLetterRow {
  service: string;
  topic: string;
  partition: number;
  offset: number;
  key: string | null;
  raw_value: string | null;
  reason: string;
}

export async function deadLetterRows(infra: TestInfra): Promise<DeadLetterRow[]> {
  const { rows } = await infra.db.pool.query<DeadLetterRow>(
    'SELECT service, topic, partition, "offset", key, raw_value, reason FROM public.dead_letters ORDER BY service, topic, partition, "offset"',
  );
  return rows.map((row) => ({ ...row, offset: Number(row.offset) }));
}
