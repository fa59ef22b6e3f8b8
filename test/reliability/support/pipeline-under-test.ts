// The whole pipeline for a reliability test: Kafka (the development broker or Apache Kafka, see
// test/support/kafka-under-test.ts; the test can stop, kill and restart it), a fresh database, a
// Redis key prefix, and the four services as child processes, optionally reaching Postgres and
// Redis through proxies the test can cut.
import { Kafka, logLevel, type Admin, type Producer } from 'kafkajs';
import type { OrderEvent } from '@orders-dwh/shared/contracts';
import { readTopic } from '../../support/service-harness.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { waitForDrain, type StageGroup } from '../../support/drain.ts';
import { startKafkaUnderTest, type KafkaUnderTest } from '../../support/kafka-under-test.ts';
import { createTestRedis, type TestRedis } from '../../support/redis.ts';
import { createServiceFleet, type ServiceFleet } from '../../support/service-processes.ts';
import { startTcpProxy, type TcpProxy } from '../../support/tcp-proxy.ts';

export const STAGES: StageGroup[] = [
  { groupId: 'stg-service', topic: 'stg_service' },
  { groupId: 'dds-service', topic: 'dds_service' },
  { groupId: 'cdm-service', topic: 'cdm_service' },
];

export interface PipelineUnderTest {
  db: TestDatabase;
  redis: TestRedis;
  fleet: ServiceFleet;
  kafka: Kafka;
  admin: Admin;
  producer: Producer;
  /** The Kafka the pipeline runs on; kill() and stop() take it away, start() brings it back on the same data. */
  broker: KafkaUnderTest;
  brokerAddress: string;
  /** Present when started with proxies: cut() makes the dependency unreachable for the services. */
  postgresProxy: TcpProxy | null;
  redisProxy: TcpProxy | null;
  /** Stops the broker cleanly (connections dropped, port closed); startBroker() brings it back, same port and data. */
  stopBroker(): Promise<void>;
  startBroker(): Promise<void>;
  /** POST /push {N}; resolves with the status and body. */
  push(n: number): Promise<{ status: number; body: unknown }>;
  drain(timeoutMs: number): Promise<void>;
  /** Every event on stg_service now, parsed. */
  orderEvents(): Promise<OrderEvent[]>;
  close(): Promise<void>;
}

export interface PipelineOptions {
  env?: Record<string, string>;
  partitions?: number;
  /** Route the services' Postgres and Redis connections through proxies. */
  proxies?: boolean;
}

export async function startPipelineUnderTest(options: PipelineOptions = {}): Promise<PipelineUnderTest> {
  const partitions = options.partitions ?? 4;
  const broker = await startKafkaUnderTest({ partitions });
  const brokerAddress = broker.address;
  const db = await createTestDatabase();
  const redis = createTestRedis();
  const postgresProxy = options.proxies ? await startTcpProxy({ host: '127.0.0.1', port: 5432 }) : null;
  const redisProxy = options.proxies ? await startTcpProxy({ host: '127.0.0.1', port: 6379 }) : null;
  const databaseUrl = postgresProxy ? db.url.replace('127.0.0.1:5432', postgresProxy.address) : db.url;
  const fleet = await createServiceFleet({
    DATABASE_URL: databaseUrl,
    REDIS_URL: `redis://${redisProxy?.address ?? '127.0.0.1:6379'}`,
    REDIS_KEY_PREFIX: redis.prefix,
    KAFKA_BROKERS: brokerAddress,
    TOPIC_PARTITIONS: String(partitions),
    REF_USERS: '50',
    REF_RESTAURANTS: '8',
    ...options.env,
  });
  const kafka = new Kafka({ clientId: 'reliability-test', brokers: [brokerAddress], logLevel: logLevel.NOTHING, retry: { retries: 10, maxRetryTime: 2000 } });
  const admin = kafka.admin();
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await Promise.all([admin.connect(), producer.connect()]);

  return {
    db,
    redis,
    fleet,
    kafka,
    admin,
    producer,
    broker,
    brokerAddress,
    postgresProxy,
    redisProxy,
    stopBroker: () => broker.stop(),
    startBroker: () => broker.start(),
    async push(n) {
      const response = await fetch(fleet.url('source', '/push'), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ N: n }),
      });
      return { status: response.status, body: await response.json() };
    },
    drain: (timeoutMs) => waitForDrain(admin, STAGES, timeoutMs),
    async orderEvents() {
      const messages = await readTopic(kafka, 'stg_service', 30_000);
      return messages.map((m) => JSON.parse(m.value!) as OrderEvent);
    },
    async close() {
      await Promise.allSettled([admin.disconnect(), producer.disconnect()]);
      await fleet.stopAll();
      await broker.close();
      await postgresProxy?.close();
      await redisProxy?.close();
      await redis.cleanup();
      await db.drop();
    },
  };
}
