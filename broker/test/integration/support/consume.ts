import type { Consumer, ConsumerConfig, Kafka } from 'kafkajs';
import { waitUntil } from './kafka-clients.ts';

export interface ConsumedRecord {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: string | null;
}

export const FAST_CONSUMER: Partial<ConsumerConfig> = { maxWaitTimeInMs: 200, heartbeatInterval: 500 };

/**
 * Runs a group consumer from the beginning of `topic` with eachMessage until `count` records
 * arrived, then disconnects it (committing on the way out) and returns what it read.
 */
export async function consumeCount(
  kafka: Kafka,
  groupId: string,
  topic: string,
  count: number,
  timeoutMs = 20_000,
  config: Partial<ConsumerConfig> = {},
): Promise<ConsumedRecord[]> {
  const consumer = kafka.consumer({ groupId, ...FAST_CONSUMER, ...config });
  const records: ConsumedRecord[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        records.push({ topic, partition, offset: message.offset, key: message.key?.toString() ?? null, value: message.value?.toString() ?? null });
      },
    });
    await waitUntil(`${count} records from ${topic} (have ${records.length})`, () => records.length >= count, timeoutMs);
  } finally {
    await consumer.disconnect();
  }
  return records;
}

/** Collects what a running consumer reads; `waitFor(n)` resolves once n records are in. */
export function recordCollector(): {
  records: ConsumedRecord[];
  push(record: ConsumedRecord): void;
  waitFor(count: number, timeoutMs?: number): Promise<void>;
} {
  const records: ConsumedRecord[] = [];
  return {
    records,
    push: (record) => void records.push(record),
    waitFor: async (count, timeoutMs = 20_000) => {
      await waitUntil(`${count} records (have ${records.length})`, () => records.length >= count, timeoutMs);
    },
  };
}

export async function stopQuietly(consumer: Consumer): Promise<void> {
  await consumer.disconnect().catch(() => undefined);
}
