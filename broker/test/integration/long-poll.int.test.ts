// Long-polling fetches are held without holding anyone else up, and are answered within maxWait.
import type { Admin, Kafka, Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kafkajsRequestFrame, kafkajsResponse, type Decoded } from '../protocol/kafkajs-protocol.ts';
import { recordCollector, stopQuietly } from './support/consume.ts';
import { defaultPartitioner, kafkaFor, waitUntil } from './support/kafka-clients.ts';
import { RawConnection } from './support/raw-connection.ts';
import { startTestBroker, type TestBroker } from './support/test-broker.ts';

let broker: TestBroker;
let kafka: Kafka;
let admin: Admin;
let producer: Producer;

beforeAll(async () => {
  broker = await startTestBroker('long-poll');
  kafka = kafkaFor(broker.address, 'long-poll-it');
  admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    topics: [
      { topic: 'idle', numPartitions: 1 },
      { topic: 'busy', numPartitions: 1 },
      { topic: 'woken', numPartitions: 1 },
      { topic: 'baseline', numPartitions: 1 },
    ],
  });
  producer = kafka.producer({ createPartitioner: defaultPartitioner });
  await producer.connect();
});

afterAll(async () => {
  await producer?.disconnect();
  await admin?.disconnect();
  await broker?.stop();
});

/** A raw Fetch v11 for partition 0 of each topic, as kafkajs encodes it; resolves with the answer and how long it took. */
async function rawFetch(
  connection: RawConnection,
  correlationId: number,
  topics: string[],
  maxWaitTime: number,
  minBytes = 1,
  fetchOffset = '0',
): Promise<{ response: Decoded; elapsedMs: number }> {
  const frame = await kafkajsRequestFrame(
    'fetch',
    11,
    {
      replicaId: -1,
      maxWaitTime,
      minBytes,
      maxBytes: 1024 * 1024,
      isolationLevel: 0,
      topics: topics.map((topic) => ({ topic, partitions: [{ partition: 0, fetchOffset, maxBytes: 1024 * 1024 }] })),
    },
    correlationId,
    'raw-fetch',
  );
  const startedAt = performance.now();
  connection.write(frame);
  const answer = await connection.readFrame(maxWaitTime + 5_000);
  const elapsedMs = performance.now() - startedAt;
  expect(answer.readInt32BE(0)).toBe(correlationId);
  return { response: await kafkajsResponse('fetch', 11).decode(answer.subarray(4)), elapsedMs };
}

/**
 * How late a held fetch may be answered on this machine now: a margin plus a few round trips of a
 * fetch answered at once, measured in the same run (a loaded 2-core machine delays every timer).
 */
async function lateness(connection: RawConnection): Promise<number> {
  await producer.send({ topic: 'baseline', messages: [{ value: 'x', partition: 0 }] });
  let slowest = 0;
  for (let i = 0; i < 3; i++) slowest = Math.max(slowest, (await rawFetch(connection, 100 + i, ['baseline'], 5_000)).elapsedMs);
  return 100 + 3 * slowest;
}

describe('long-polling fetch', () => {
  it('an empty fetch is answered after maxWait, not before and not much later', async () => {
    const connection = await RawConnection.connect(broker.port);
    try {
      const late = await lateness(connection);
      for (const [i, maxWait] of [200, 600].entries()) {
        const { response, elapsedMs } = await rawFetch(connection, i + 1, ['idle'], maxWait);
        expect(elapsedMs).toBeGreaterThanOrEqual(maxWait - 10);
        expect(elapsedMs).toBeLessThan(maxWait + late);
        expect(response.responses[0].partitions[0]).toMatchObject({ errorCode: 0, highWatermark: '0' });
      }
    } finally {
      connection.close();
    }
  });

  it('minBytes not reached: answered at maxWait with the data there is', async () => {
    await producer.send({ topic: 'busy', messages: [{ value: 'small' }] });
    const connection = await RawConnection.connect(broker.port);
    try {
      const late = await lateness(connection);
      const { response, elapsedMs } = await rawFetch(connection, 1, ['busy'], 300, 1024 * 1024);
      expect(elapsedMs).toBeGreaterThanOrEqual(290);
      expect(elapsedMs).toBeLessThan(300 + late);
      expect(response.responses[0].partitions[0].highWatermark).toBe('1');
      expect(response.responses[0].partitions[0].messages.map((m: Decoded) => m.value.toString())).toEqual(['small']);
    } finally {
      connection.close();
    }
  });

  it('new data wakes a held fetch at once', async () => {
    const connection = await RawConnection.connect(broker.port);
    try {
      const held = rawFetch(connection, 1, ['woken'], 5_000);
      await new Promise((resolve) => setTimeout(resolve, 100));
      await producer.send({ topic: 'woken', messages: [{ value: 'wake up' }] });
      const { response, elapsedMs } = await held;
      expect(elapsedMs).toBeLessThan(1_000);
      expect(response.responses[0].partitions[0].highWatermark).toBe('1');
      expect(response.responses[0].partitions[0].messages.map((m: Decoded) => m.value.toString())).toEqual(['wake up']);
    } finally {
      connection.close();
    }
  });

  it('a kafkajs consumer idling on an empty partition stalls neither a JoinGroup nor a Produce elsewhere', async () => {
    // The idle consumer's fetches wait 5 s each, on their own connection.
    const idle = kafka.consumer({ groupId: 'g-idle', maxWaitTimeInMs: 5_000, heartbeatInterval: 500 });
    let fetchesStarted = 0;
    idle.on(idle.events.FETCH_START, () => fetchesStarted++);
    await idle.connect();
    await idle.subscribe({ topic: 'idle', fromBeginning: true });
    await idle.run({ eachMessage: async () => undefined });

    // A raw fetch held too, for good measure: two long polls in flight.
    const connection = await RawConnection.connect(broker.port);
    const rawHeld = rawFetch(connection, 1, ['idle'], 3_000);
    const other = kafka.consumer({ groupId: 'g-other', maxWaitTimeInMs: 100, heartbeatInterval: 500 });
    try {
      await waitUntil('the idle consumer to be fetching', () => fetchesStarted > 0);
      await new Promise((resolve) => setTimeout(resolve, 200));

      const produceStarted = performance.now();
      await producer.send({ topic: 'busy', messages: [{ value: 'not held up' }] });
      expect(performance.now() - produceStarted).toBeLessThan(500);

      // A whole group join (JoinGroup, SyncGroup, OffsetFetch) and the first message.
      const collector = recordCollector();
      const joinStarted = performance.now();
      let joinedAfter = Infinity;
      other.on(other.events.GROUP_JOIN, () => (joinedAfter = performance.now() - joinStarted));
      await other.connect();
      await other.subscribe({ topic: 'busy', fromBeginning: true });
      await other.run({
        eachMessage: async ({ topic, partition, message }) =>
          collector.push({ topic, partition, offset: message.offset, key: null, value: message.value!.toString() }),
      });
      await collector.waitFor(2, 3_000);
      expect(joinedAfter).toBeLessThan(1_500);
      expect(performance.now() - joinStarted).toBeLessThan(2_500);

      const { elapsedMs } = await rawHeld;
      expect(elapsedMs).toBeGreaterThanOrEqual(2_990);
    } finally {
      connection.close();
      await stopQuietly(other);
      await stopQuietly(idle);
    }
  });
});
