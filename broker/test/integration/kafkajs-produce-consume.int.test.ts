import { CompressionTypes, type Admin, type Kafka, type Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAST_CONSUMER, consumeCount, recordCollector, stopQuietly, type ConsumedRecord } from './support/consume.ts';
import { defaultPartitioner, kafkaFor, waitUntil } from './support/kafka-clients.ts';
import { startTestBroker, type TestBroker } from './support/test-broker.ts';

let broker: TestBroker;
let kafka: Kafka;
let admin: Admin;
let producer: Producer;

beforeAll(async () => {
  broker = await startTestBroker('produce-consume');
  kafka = kafkaFor(broker.address);
  admin = kafka.admin();
  await admin.connect();
  producer = kafka.producer({ createPartitioner: defaultPartitioner });
  await producer.connect();
});

afterAll(async () => {
  await producer?.disconnect();
  await admin?.disconnect();
  await broker?.stop();
});

async function createTopic(topic: string, numPartitions: number): Promise<void> {
  expect(await admin.createTopics({ topics: [{ topic, numPartitions }], waitForLeaders: true })).toBe(true);
}

async function endOffsets(topic: string): Promise<Map<number, number>> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return new Map(offsets.map((o) => [o.partition, Number(o.high)]));
}

function totalOf(offsets: Map<number, number>): number {
  return [...offsets.values()].reduce((a, b) => a + b, 0);
}

function byKey(records: ConsumedRecord[]): Map<string, ConsumedRecord> {
  return new Map(records.map((r) => [r.key ?? '', r]));
}

/** Within each partition the offsets a consumer saw are 0, 1, 2, ... in order. */
function expectContiguousPerPartition(records: ConsumedRecord[]): void {
  const perPartition = new Map<number, number[]>();
  for (const r of records) perPartition.set(r.partition, [...(perPartition.get(r.partition) ?? []), Number(r.offset)]);
  for (const offsets of perPartition.values()) expect(offsets).toEqual(offsets.map((_, i) => i));
}

describe('kafkajs producer and consumer', () => {
  it.each([
    { acks: -1, label: 'all' },
    { acks: 1, label: 'leader' },
  ])('acks=$acks ($label): every message lands on its partition and reads back in order', async ({ acks }) => {
    const topic = `acks-${acks === -1 ? 'all' : acks}`;
    await createTopic(topic, 3);
    const messages = Array.from({ length: 60 }, (_, i) => ({ key: `k${i}`, value: `value ${i} ${'x'.repeat(i)}` }));
    const results = await producer.send({ topic, acks, messages });

    // The producer got real offsets back, per partition.
    const reported = new Map(results.map((r) => [r.partition, r]));
    expect(results.every((r) => r.errorCode === 0)).toBe(true);
    const ends = await endOffsets(topic);
    expect(totalOf(ends)).toBe(60);
    expect(ends.size).toBe(3);
    expect([...ends.values()].filter((n) => n > 0).length).toBeGreaterThan(1);
    // One request, so each partition's first (and only) batch starts at offset 0.
    for (const [partition, r] of reported) {
      expect(r.baseOffset).toBe('0');
      expect(ends.get(partition)).toBeGreaterThan(0);
    }

    const records = await consumeCount(kafka, `g-acks-${acks}`, topic, 60);
    expect(records).toHaveLength(60);
    const seen = byKey(records);
    for (const m of messages) expect(seen.get(m.key)?.value).toBe(m.value);
    expectContiguousPerPartition(records);
  });

  it('acks=0: messages are stored although the broker sends no answer', async () => {
    const topic = 'acks-none';
    await createTopic(topic, 2);
    for (let i = 0; i < 5; i++) {
      await producer.send({ topic, acks: 0, messages: [{ key: `a${i}`, value: `fire and forget ${i}` }] });
    }
    // A request after the acks=0 ones on the same connection is still answered (no response slot is lost).
    await producer.send({ topic, acks: -1, messages: [{ key: 'after', value: 'acknowledged' }] });
    await waitUntil('6 messages stored', async () => totalOf(await endOffsets(topic)) === 6, 5_000);
    const records = await consumeCount(kafka, 'g-acks-0', topic, 6);
    expect(new Set(records.map((r) => r.value))).toEqual(new Set([...Array.from({ length: 5 }, (_, i) => `fire and forget ${i}`), 'acknowledged']));
  });

  it('sendBatch across topics and partitions, and gzip batches, read back intact', async () => {
    await createTopic('batch-a', 4);
    await createTopic('batch-gzip', 2);
    const plain = Array.from({ length: 400 }, (_, i) => ({ key: `p${i}`, value: `plain-${i}` }));
    const zipped = Array.from({ length: 300 }, (_, i) => ({ key: `z${i}`, value: `gzip-${i}-${'y'.repeat(100)}`, headers: { h: `hv${i}` } }));
    await producer.sendBatch({ topicMessages: [{ topic: 'batch-a', messages: plain }] });
    await producer.send({ topic: 'batch-gzip', compression: CompressionTypes.GZIP, messages: zipped });
    await producer.send({ topic: 'batch-gzip', compression: CompressionTypes.GZIP, messages: [{ key: 'z-last', value: 'last' }] });

    expect(totalOf(await endOffsets('batch-a'))).toBe(400);
    expect(totalOf(await endOffsets('batch-gzip'))).toBe(301);

    const a = await consumeCount(kafka, 'g-batch-a', 'batch-a', 400);
    expect(new Set(a.map((r) => r.value))).toEqual(new Set(plain.map((m) => m.value)));
    expectContiguousPerPartition(a);

    const consumer = kafka.consumer({ groupId: 'g-gzip', ...FAST_CONSUMER });
    const headers = new Map<string, string>();
    const z = recordCollector();
    await consumer.connect();
    await consumer.subscribe({ topic: 'batch-gzip', fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        const key = message.key!.toString();
        if (message.headers?.h) headers.set(key, message.headers.h.toString());
        z.push({ topic, partition, offset: message.offset, key, value: message.value!.toString() });
      },
    });
    try {
      await z.waitFor(301);
    } finally {
      await stopQuietly(consumer);
    }
    const zByKey = byKey(z.records);
    for (const m of zipped) {
      expect(zByKey.get(m.key)?.value).toBe(m.value);
      expect(headers.get(m.key)).toBe(m.headers.h);
    }
    expect(zByKey.get('z-last')?.value).toBe('last');
    expectContiguousPerPartition(z.records);
  });

  it('eachBatch sees whole batches with the high watermark and resolves offsets', async () => {
    const topic = 'each-batch';
    await createTopic(topic, 2);
    for (let round = 0; round < 5; round++) {
      await producer.send({ topic, messages: Array.from({ length: 20 }, (_, i) => ({ key: `r${round}-${i}`, value: `${round}:${i}` })) });
    }
    const ends = await endOffsets(topic);
    const consumer = kafka.consumer({ groupId: 'g-each-batch', ...FAST_CONSUMER });
    const seen: string[] = [];
    const highWatermarks = new Map<number, string>();
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
        for (const message of batch.messages) {
          seen.push(message.value!.toString());
          resolveOffset(message.offset);
        }
        highWatermarks.set(batch.partition, batch.highWatermark);
        await heartbeat();
      },
    });
    try {
      await waitUntil('100 messages by batch', () => seen.length >= 100);
    } finally {
      await consumer.disconnect();
    }
    expect(seen).toHaveLength(100);
    expect(new Set(seen).size).toBe(100);
    for (const [partition, high] of highWatermarks) expect(Number(high)).toBe(ends.get(partition));
    // Resolved offsets were committed on disconnect.
    const [committed] = await admin.fetchOffsets({ groupId: 'g-each-batch', topics: [topic] });
    for (const p of committed!.partitions) expect(Number(p.offset)).toBe(ends.get(p.partition));
  });

  it('seek moves a running consumer to the offset asked for', async () => {
    const topic = 'seek';
    await createTopic(topic, 1);
    await producer.send({ topic, messages: Array.from({ length: 30 }, (_, i) => ({ value: `m${i}` })) });
    const consumer = kafka.consumer({ groupId: 'g-seek', ...FAST_CONSUMER });
    const offsets: number[] = [];
    let sought = false;
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ message }) => {
        offsets.push(Number(message.offset));
        if (!sought && offsets.length === 30) {
          sought = true;
          consumer.seek({ topic, partition: 0, offset: '12' });
        }
      },
    });
    try {
      await waitUntil('re-read from 12 to the end', () => offsets.length >= 30 + 18);
    } finally {
      await consumer.disconnect();
    }
    expect(offsets.slice(0, 30)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    expect(offsets.slice(30, 48)).toEqual(Array.from({ length: 18 }, (_, i) => 12 + i));
  });

  it('committed offsets are fetched back: a restarted group member resumes after them', async () => {
    const topic = 'commit-resume';
    await createTopic(topic, 3);
    await producer.send({ topic, messages: Array.from({ length: 30 }, (_, i) => ({ key: `first${i}`, value: `first ${i}` })) });
    const first = await consumeCount(kafka, 'g-resume', topic, 30);
    expect(first).toHaveLength(30);

    const ends = await endOffsets(topic);
    const [committed] = await admin.fetchOffsets({ groupId: 'g-resume', topics: [topic] });
    expect(new Map(committed!.partitions.map((p) => [p.partition, Number(p.offset)]))).toEqual(ends);

    await producer.send({ topic, messages: Array.from({ length: 9 }, (_, i) => ({ key: `second${i}`, value: `second ${i}` })) });
    const second = await consumeCount(kafka, 'g-resume', topic, 9);
    // Give a wrongly restarted consumer the chance to show old records: the count must be exact.
    expect(second.map((r) => r.value).sort()).toEqual(Array.from({ length: 9 }, (_, i) => `second ${i}`).sort());
    for (const r of second) expect(Number(r.offset)).toBeGreaterThanOrEqual(ends.get(r.partition)!);
  });
});
