import { randomBytes } from 'node:crypto';
import type { Kafka } from 'kafkajs';

/** The throw-away groups --tail uses (they commit nothing; the overview leaves them out). */
export const TAIL_GROUP_PREFIX = 'dwh-topics-tail-';

export interface TailedMessage {
  partition: number;
  offset: number;
  timestamp: number;
  key: string | null;
  value: string | null;
}

/** Where to start reading each partition so that the last `last` messages of the topic are included. */
export function tailStarts(partitions: Array<{ partition: number; start: number; end: number }>, last: number): Map<number, number> {
  return new Map(partitions.filter((p) => p.end > p.start).map((p) => [p.partition, Math.max(p.start, p.end - last)]));
}

/** The newest `last` of the messages read, oldest first (by timestamp, then partition and offset). */
export function newest(messages: TailedMessage[], last: number): TailedMessage[] {
  const sorted = [...messages].sort((a, b) => a.timestamp - b.timestamp || a.partition - b.partition || a.offset - b.offset);
  return sorted.slice(Math.max(0, sorted.length - last));
}

/**
 * Reads the last `last` messages of a topic without committing anything: a throw-away consumer
 * group seeks each partition to at most `last` messages before its end and reads up to the end
 * offsets taken at the start.
 */
export async function tailTopic(kafka: Kafka, topic: string, last: number, timeoutMs = 15_000): Promise<TailedMessage[]> {
  const admin = kafka.admin();
  await admin.connect();
  let partitions;
  try {
    partitions = (await admin.fetchTopicOffsets(topic)).map((o) => ({ partition: o.partition, start: Number(o.low), end: Number(o.high) }));
  } finally {
    await admin.disconnect();
  }
  const starts = tailStarts(partitions, last);
  const ends = new Map(partitions.map((p) => [p.partition, p.end]));
  const pending = new Set(starts.keys());
  const messages: TailedMessage[] = [];
  if (pending.size === 0) return messages;

  const consumer = kafka.consumer({ groupId: `${TAIL_GROUP_PREFIX}${randomBytes(4).toString('hex')}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`still reading partitions ${[...pending].join(', ')} of ${topic} after ${timeoutMs} ms`)), timeoutMs);
      consumer
        .run({
          autoCommit: false,
          eachMessage: async ({ partition, message }) => {
            const offset = Number(message.offset);
            const end = ends.get(partition) ?? 0;
            if (offset < (starts.get(partition) ?? end) || offset >= end) return;
            messages.push({
              partition,
              offset,
              timestamp: Number(message.timestamp),
              key: message.key?.toString('utf8') ?? null,
              value: message.value?.toString('utf8') ?? null,
            });
            if (offset + 1 >= end) pending.delete(partition);
            if (pending.size === 0) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .then(() => {
          for (const [partition, offset] of starts) consumer.seek({ topic, partition, offset: String(offset) });
        }, reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return newest(messages, last);
}
