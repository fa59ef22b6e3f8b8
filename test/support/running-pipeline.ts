// The whole pipeline for an end-to-end test: Kafka (test/support/kafka-under-test.ts), a database,
// a Redis key prefix and the four services as processes, all started; close() stops and removes them.
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { createTestDatabase, type TestDatabase } from './database.ts';
import { waitForDrain } from './drain.ts';
import { startKafkaUnderTest, type KafkaUnderTest } from './kafka-under-test.ts';
import { createTestRedis, type TestRedis } from './redis.ts';
import { createServiceFleet, SERVICE_NAMES, type ServiceFleet } from './service-processes.ts';

export interface RunningPipeline {
  broker: KafkaUnderTest;
  db: TestDatabase;
  redis: TestRedis;
  fleet: ServiceFleet;
  /** A test-side admin client of the pipeline's Kafka. */
  admin: Admin;
  /** Resolves once stg, dds and cdm have committed their topics' ends. */
  drain(timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

export const PIPELINE_STAGES = ['stg', 'dds', 'cdm'].map((name) => ({ groupId: `${name}-service`, topic: `${name}_service` }));

/** env: the services' settings besides the connections (TOPIC_PARTITIONS, REF_USERS ...). */
export async function startRunningPipeline(partitions: number, env: Record<string, string>): Promise<RunningPipeline> {
  const broker = await startKafkaUnderTest({ partitions });
  const db = await createTestDatabase();
  const redis = createTestRedis();
  const fleet = await createServiceFleet({
    DATABASE_URL: db.url,
    REDIS_KEY_PREFIX: redis.prefix,
    KAFKA_BROKERS: broker.address,
    TOPIC_PARTITIONS: String(partitions),
    ...env,
  });
  const admin = new Kafka({ brokers: [broker.address], logLevel: logLevel.NOTHING }).admin();
  const close = async () => {
    await admin.disconnect();
    await fleet.stopAll();
    await broker.close();
    await redis.cleanup();
    await db.drop();
  };
  try {
    for (const name of SERVICE_NAMES) await fleet.start(name);
    await admin.connect();
  } catch (error) {
    // A service that does not come up fails the suite's beforeAll, whose afterAll has no pipeline to close.
    await close().catch(() => {});
    throw error;
  }
  return { broker, db, redis, fleet, admin, drain: (timeoutMs) => waitForDrain(admin, PIPELINE_STAGES, timeoutMs), close };
}
