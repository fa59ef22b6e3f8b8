// Idempotent producer retries must not duplicate: proved on the wire (the same Produce request
// sent twice) and with kafkajs itself, whose connection is cut after its Produce requests reached
// the broker so that it retries batches the broker already wrote.
import { createRequire } from 'node:module';
import net from 'node:net';
import type { Admin, Kafka, ISocketFactory } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kafkajsRequestFrame, kafkajsResponse, type Decoded } from '../protocol/kafkajs-protocol.ts';
import { consumeCount } from './support/consume.ts';
import { defaultPartitioner, kafkaFor } from './support/kafka-clients.ts';
import { RawConnection } from './support/raw-connection.ts';
import { startTestBroker, type TestBroker } from './support/test-broker.ts';

const require = createRequire(import.meta.url);
const Long = require('kafkajs/src/utils/long.js') as { fromString(s: string): unknown };

const OUT_OF_ORDER_SEQUENCE_NUMBER = 45;
const PRODUCE_API_KEY = 0;

let broker: TestBroker;
let kafka: Kafka;
let admin: Admin;

beforeAll(async () => {
  broker = await startTestBroker('idempotent');
  kafka = kafkaFor(broker.address, 'idempotent-it');
  admin = kafka.admin();
  await admin.connect();
});

afterAll(async () => {
  await admin?.disconnect();
  await broker?.stop();
});

async function highWatermark(topic: string, partition = 0): Promise<number> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return Number(offsets.find((o) => o.partition === partition)!.high);
}

/** A raw client speaking kafkajs's own encodings of InitProducerId v1 and Produce v7. */
class RawProducer {
  private correlationId = 1;
  constructor(private readonly connection: RawConnection) {}

  private async roundTrip(api: string, version: number, args: Record<string, unknown>): Promise<Decoded> {
    const correlationId = this.correlationId++;
    this.connection.write(await kafkajsRequestFrame(api, version, args, correlationId, 'raw-producer'));
    const frame = await this.connection.readFrame();
    expect(frame.readInt32BE(0)).toBe(correlationId);
    return kafkajsResponse(api, version).decode(frame.subarray(4));
  }

  initProducerId(): Promise<{ errorCode: number; producerId: string; producerEpoch: number }> {
    return this.roundTrip('initProducerId', 1, { transactionalId: null, transactionTimeout: 60_000 });
  }

  /** Produce v7, acks=all, one batch for one partition; returns that partition's answer. */
  async produce(
    producer: { producerId: string; producerEpoch: number },
    topic: string,
    firstSequence: number,
    values: string[],
  ): Promise<{ errorCode: number; baseOffset: string }> {
    const response = await this.roundTrip('produce', 7, {
      acks: -1,
      timeout: 5_000,
      producerId: Long.fromString(producer.producerId),
      producerEpoch: producer.producerEpoch,
      topicData: [{ topic, partitions: [{ partition: 0, firstSequence, messages: values.map((value) => ({ key: null, value })) }] }],
    });
    return response.topics[0].partitions[0];
  }
}

describe('idempotent producer', () => {
  it('on the wire: a repeated batch gets its original offset and is written once', async () => {
    const topic = 'idempotent-wire';
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] });
    const connection = await RawConnection.connect(broker.port);
    try {
      const raw = new RawProducer(connection);
      const id = await raw.initProducerId();
      expect(id.errorCode).toBe(0);
      expect(Number(id.producerId)).toBeGreaterThanOrEqual(0);

      const first = await raw.produce(id, topic, 0, ['a', 'b', 'c']);
      expect(first).toMatchObject({ errorCode: 0, baseOffset: '0' });
      // Someone else writes in between, so "the original offset" differs from "the next offset".
      const other = kafka.producer({ createPartitioner: defaultPartitioner });
      await other.connect();
      await other.send({ topic, messages: [{ value: 'other' }] });
      await other.disconnect();
      expect(await highWatermark(topic)).toBe(4);

      const retried = await raw.produce(id, topic, 0, ['a', 'b', 'c']);
      expect(retried).toMatchObject({ errorCode: 0, baseOffset: '0' });
      expect(await highWatermark(topic)).toBe(4);

      const next = await raw.produce(id, topic, 3, ['d']);
      expect(next).toMatchObject({ errorCode: 0, baseOffset: '4' });
      // The newest batch retried is a duplicate too; a gap in the sequence is refused.
      expect(await raw.produce(id, topic, 3, ['d'])).toMatchObject({ errorCode: 0, baseOffset: '4' });
      expect(await raw.produce(id, topic, 9, ['gap'])).toMatchObject({ errorCode: OUT_OF_ORDER_SEQUENCE_NUMBER });
      expect(await highWatermark(topic)).toBe(5);

      // A second producer id has its own sequence space.
      const id2 = await raw.initProducerId();
      expect(id2.producerId).not.toBe(id.producerId);
      expect(await raw.produce(id2, topic, 0, ['a', 'b', 'c'])).toMatchObject({ errorCode: 0, baseOffset: '5' });
      expect(await highWatermark(topic)).toBe(8);

      const records = await consumeCount(kafka, 'g-idempotent-wire', topic, 8);
      expect(records.map((r) => r.value)).toEqual(['a', 'b', 'c', 'other', 'd', 'a', 'b', 'c']);
    } finally {
      connection.close();
    }
  });

  /**
   * A kafkajs socket factory that lets each of the first `cuts` Produce requests reach the broker,
   * hides the broker's answer from kafkajs and then breaks the connection, so kafkajs retries a
   * batch that is already in the log.
   */
  function cuttingSocketFactory(cuts: number): { factory: ISocketFactory; cutsMade(): number } {
    let made = 0;
    const factory: ISocketFactory = ({ host, port, onConnect }) => {
      const socket = net.connect({ host, port }, onConnect);
      let swallowing = false;
      const write = socket.write.bind(socket) as (chunk: Buffer, ...rest: unknown[]) => boolean;
      socket.write = ((chunk: Buffer, ...rest: unknown[]) => {
        const isProduce = Buffer.isBuffer(chunk) && chunk.length > 6 && chunk.readInt16BE(4) === PRODUCE_API_KEY;
        if (isProduce && made < cuts && !swallowing) {
          made++;
          swallowing = true;
          // Long enough for the broker to append and answer; the answer is swallowed below.
          setTimeout(() => socket.destroy(new Error('connection cut by the test')), 150);
        }
        return write(chunk, ...rest);
      }) as typeof socket.write;
      const emit = socket.emit.bind(socket) as (event: string | symbol, ...args: unknown[]) => boolean;
      socket.emit = ((event: string | symbol, ...args: unknown[]) => (event === 'data' && swallowing ? true : emit(event, ...args))) as typeof socket.emit;
      return socket;
    };
    return { factory, cutsMade: () => made };
  }

  async function produceThroughCuts(topic: string, idempotent: boolean): Promise<{ cuts: number; high: number }> {
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] });
    const cutting = cuttingSocketFactory(3);
    const client = kafkaFor(broker.address, `cut-${topic}`, {
      socketFactory: cutting.factory,
      retry: { retries: 10, initialRetryTime: 50, maxRetryTime: 500 },
    });
    const producer = client.producer({ idempotent, maxInFlightRequests: 1, createPartitioner: defaultPartitioner });
    await producer.connect();
    try {
      for (let i = 0; i < 10; i++) {
        await producer.send({ topic, acks: -1, messages: Array.from({ length: 10 }, (_, j) => ({ value: `v${i * 10 + j}` })) });
      }
    } finally {
      await producer.disconnect();
    }
    return { cuts: cutting.cutsMade(), high: await highWatermark(topic) };
  }

  it('kafkajs: retried batches of an idempotent producer are not duplicated and offsets stay contiguous', async () => {
    const topic = 'idempotent-kafkajs';
    const { cuts, high } = await produceThroughCuts(topic, true);
    expect(cuts).toBe(3);
    expect(high).toBe(100);
    const records = await consumeCount(kafka, 'g-idempotent-kafkajs', topic, 100);
    expect(records.map((r) => Number(r.offset))).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(records.map((r) => r.value)).toEqual(Array.from({ length: 100 }, (_, i) => `v${i}`));
  });

  it('control: the same cuts make a plain producer write duplicates (so the cuts do force retries)', async () => {
    const { cuts, high } = await produceThroughCuts('plain-with-cuts', false);
    expect(cuts).toBe(3);
    expect(high).toBe(100 + 3 * 10);
  });
});

describe('transactions', () => {
  it('kafkajs: a transactional producer is refused at once (no transaction coordinator), not retried', async () => {
    const producer = kafka.producer({ transactionalId: 'tx-refused', idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    try {
      const started = Date.now();
      // kafkajs reports the coordinator look-up's TRANSACTIONAL_ID_AUTHORIZATION_FAILED as this.
      await expect(producer.transaction()).rejects.toMatchObject({ name: 'KafkaJSGroupCoordinatorNotFound', retriable: false });
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      await producer.disconnect();
    }
  });
});
