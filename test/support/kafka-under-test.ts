// The one switch between the two Kafkas the suites run on: the development broker (in this
// process, one per pipeline) or Apache Kafka (a JVM, one per test file, emptied between uses).
// TEST_KAFKA=apache selects Apache Kafka; vitest.config.ts sets it for the integration-apache project.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { startBroker, type RunningBroker } from '@orders-dwh/dev-broker';
import { createApacheKafkaNode, type ApacheKafkaNode, ensureKafkaDistribution } from '@orders-dwh/apache-kafka';

export type KafkaEngine = 'development' | 'apache';

export function kafkaEngine(env: NodeJS.ProcessEnv = process.env): KafkaEngine {
  const value = env.TEST_KAFKA ?? 'development';
  if (value !== 'development' && value !== 'apache') throw new Error(`TEST_KAFKA must be "development" or "apache", got "${value}"`);
  return value;
}

export interface KafkaUnderTest {
  engine: KafkaEngine;
  /** "development broker" or "Apache Kafka 3.9.1". */
  description: string;
  address: string;
  /** Clean stop: the development broker closes, Apache Kafka gets SIGTERM. */
  stop(): Promise<void>;
  /** No shutdown: Apache Kafka gets SIGKILL; the in-process development broker can only close. */
  kill(): Promise<void>;
  /** Back on the same port with the same data. */
  start(): Promise<void>;
  /** Done with it: the development broker is closed and removed; Apache Kafka stays for the next test of the file. */
  close(): Promise<void>;
}

export interface KafkaUnderTestOptions {
  /** Partitions of topics created without a count. */
  partitions?: number;
}

export async function startKafkaUnderTest(options: KafkaUnderTestOptions = {}): Promise<KafkaUnderTest> {
  return kafkaEngine() === 'apache' ? useApacheKafka(options) : startDevelopmentBroker(options);
}

async function startDevelopmentBroker(options: KafkaUnderTestOptions): Promise<KafkaUnderTest> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'test-broker-'));
  const brokerOptions = { port: 0, dataDir, defaultPartitions: options.partitions ?? 1 };
  let broker: RunningBroker | null = await startBroker(brokerOptions);
  const port = broker.port;
  const stop = async () => {
    await broker?.close();
    broker = null;
  };
  return {
    engine: 'development',
    description: 'development broker',
    address: broker.address,
    stop,
    kill: stop,
    async start() {
      broker ??= await startBroker({ ...brokerOptions, port });
    },
    async close() {
      await stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

// One Apache Kafka per test file: vitest runs each file in its own worker, so this module-level
// node is the file's. test/support/apache-kafka-setup.ts stops it after the file's last test.
let shared: { node: ApacheKafkaNode; dataDir: string } | null = null;

async function useApacheKafka(options: KafkaUnderTestOptions): Promise<KafkaUnderTest> {
  if (shared && !(await emptied(shared.node))) await stopSharedApacheKafka();
  if (!shared) {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'test-apache-kafka-'));
    const node = await createApacheKafkaNode({
      dataDir,
      defaultPartitions: options.partitions ?? 1,
      distribution: ensureKafkaDistribution(),
      heapOptions: '-Xms128m -Xmx768m',
    });
    shared = { node, dataDir };
    await node.start();
  }
  const { node } = shared;
  return {
    engine: 'apache',
    description: `Apache Kafka ${node.version}`,
    address: node.address,
    stop: () => node.stop(),
    kill: () => node.kill(),
    start: () => node.start(),
    async close() {},
  };
}

export async function stopSharedApacheKafka(): Promise<void> {
  if (!shared) return;
  const { node, dataDir } = shared;
  shared = null;
  await node.stop();
  rmSync(dataDir, { recursive: true, force: true });
}

/**
 * Leaves the node as a fresh one: no consumer groups, no topics but Kafka's own. False when that
 * cannot be done quickly (a killed consumer still holds its group until its session ends, or the
 * node is not running), and the caller starts a fresh node instead.
 */
async function emptied(node: ApacheKafkaNode): Promise<boolean> {
  if (!node.running()) return false;
  const kafka = new Kafka({ clientId: 'test-reset', brokers: [node.address], logLevel: logLevel.NOTHING, retry: { retries: 2 } });
  const admin = kafka.admin();
  try {
    await admin.connect();
    const groups = (await admin.listGroups()).groups.map((g) => g.groupId);
    if (groups.length > 0) await admin.deleteGroups(groups);
    const topics = (await admin.listTopics()).filter((t) => !t.startsWith('__'));
    if (topics.length > 0) await admin.deleteTopics({ topics, timeout: 10_000 });
    const deadline = Date.now() + 10_000;
    while ((await admin.listTopics()).some((t) => topics.includes(t))) {
      if (Date.now() > deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return true;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => {});
  }
}
