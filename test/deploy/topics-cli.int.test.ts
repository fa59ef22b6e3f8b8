// `npm run topics` as a user runs it, against the development broker over TCP.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, type RunningBroker } from '@orders-dwh/dev-broker';
import type { KafkaOverview } from '../../scripts/topics/overview.ts';
import type { TailedMessage } from '../../scripts/topics/tail.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const run = promisify(execFile);
const T0 = Date.UTC(2025, 10, 21, 9, 0, 0);

let dataDir: string;
let broker: RunningBroker;
let kafka: Kafka;
let producer: Producer;

async function topics(...args: string[]): Promise<string> {
  // Async on purpose: the broker runs in this process and must keep answering.
  const { stdout } = await run(process.execPath, ['--import', 'tsx', 'scripts/topics.ts', ...args], {
    cwd: root,
    env: { ...process.env, KAFKA_BROKERS: broker.address },
    timeout: 60_000,
  });
  return stdout;
}

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'topics-cli-broker-'));
  broker = await startBroker({ port: 0, dataDir, defaultPartitions: 3 });
  kafka = new Kafka({ brokers: [broker.address], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    topics: [
      { topic: 'orders', numPartitions: 2 },
      { topic: 'empty', numPartitions: 1 },
    ],
  });
  await admin.disconnect();
  producer = kafka.producer();
  await producer.connect();
  // 6 messages on partition 0 and 4 on partition 1, one second apart, alternating.
  for (let i = 0; i < 10; i++) {
    const partition = i < 8 ? i % 2 : 0;
    await producer.send({ topic: 'orders', messages: [{ partition, key: `k${i}`, value: JSON.stringify({ order: i }), timestamp: String(T0 + i * 1000) }] });
  }
  // A group that committed 5 on partition 0 and nothing on partition 1.
  const consumer = kafka.consumer({ groupId: 'orders-reader' });
  await consumer.connect();
  await consumer.subscribe({ topics: ['orders'], fromBeginning: true });
  await new Promise<void>((resolve) => {
    void consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        if (partition === 0 && message.offset === '4') {
          await consumer.commitOffsets([{ topic: 'orders', partition: 0, offset: '5' }]);
          resolve();
        }
      },
    });
  });
  await consumer.disconnect();
}, 60_000);

afterAll(async () => {
  await producer?.disconnect();
  await broker?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('npm run topics', () => {
  it('lists topics with partitions and end offsets, and each group with committed offsets and lag', async () => {
    const overview = JSON.parse(await topics('--json')) as KafkaOverview;
    expect(overview.topics).toEqual([
      { name: 'empty', partitions: [{ partition: 0, start: 0, end: 0 }] },
      {
        name: 'orders',
        partitions: [
          { partition: 0, start: 0, end: 6 },
          { partition: 1, start: 0, end: 4 },
        ],
      },
    ]);
    expect(overview.groups).toEqual([
      {
        groupId: 'orders-reader',
        state: 'Empty',
        members: 0,
        topics: [
          {
            topic: 'orders',
            partitions: [
              { partition: 0, committed: 5, end: 6, lag: 1 },
              { partition: 1, committed: null, end: 4, lag: 4 },
            ],
          },
        ],
      },
    ]);
  }, 60_000);

  it('prints the same as a readable table', async () => {
    const text = await topics();
    expect(text).toContain(`Kafka at ${broker.address}: 2 topic(s), 1 consumer group(s)`);
    expect(text).toContain('  orders: 2 partition(s), 10 message(s)');
    expect(text).toContain('  orders-reader (Empty, 0 members) on orders: lag 5');
    expect(text).toMatch(/\n {4}0 {10}5 {10}6 {4}1\n/);
  }, 60_000);

  it('--tail prints the last N messages of a topic, newest last, values as pretty JSON', async () => {
    const last = JSON.parse(await topics('--tail', 'orders', '--last', '3', '--json')) as TailedMessage[];
    expect(last.map((m) => [m.key, m.partition, m.offset])).toEqual([
      ['k7', 1, 3],
      ['k8', 0, 4],
      ['k9', 0, 5],
    ]);
    const text = await topics('--tail', 'orders', '--last', '2');
    expect(text).toContain('--- orders partition 0 offset 5  key k9  2025-11-21T09:00:09.000Z\n{\n  "order": 9\n}');
    expect(text.match(/^--- /gm)).toHaveLength(2);
    // Tailing commits nothing and leaves no group in the overview.
    const overview = JSON.parse(await topics('--json')) as KafkaOverview;
    expect(overview.groups.map((g) => g.groupId)).toEqual(['orders-reader']);
  }, 60_000);

  it('says so for an empty topic, and exits 2 with the usage on a bad option', async () => {
    expect(await topics('--tail', 'empty', '--last', '5')).toBe('empty: no messages\n');
    await expect(topics('--last', 'x')).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('--last must be an integer') });
  }, 60_000);
});
