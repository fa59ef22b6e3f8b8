import { describe, expect, it } from 'vitest';
import { decodeProduceRequest, encodeProduceResponse, produceErrorResponse, type ProduceResponse } from '../../../src/protocol/apis/produce.ts';
import { ErrorCode } from '../../../src/protocol/error-codes.ts';
import {
  CompressionTypes,
  decodeRecordBatches,
  decodeWhole,
  expectTruncationsToThrow,
  kafkajsRequestBody,
  kafkajsResponse,
  throttleOf,
  type Decoded,
} from '../kafkajs-protocol.ts';

const T0 = 1_700_000_000_000;

const ordersP0 = [
  { key: 'order-1', value: '{"id":1}', timestamp: T0, headers: { source: 'test' } },
  { key: 'order-2', value: '{"id":2}', timestamp: T0 + 5 },
];
const ordersP2 = [{ key: null, value: 'no key', timestamp: T0 + 9 }];
const payments = [
  { key: 'pay-1', value: 'x'.repeat(500), timestamp: T0 },
  { key: 'pay-2', value: 'y'.repeat(500), timestamp: T0 + 1 },
];

/** A produce request as the kafkajs producer builds it: real record batches, one per partition. */
function produceArgs(compression: number) {
  return {
    acks: -1,
    timeout: 30_000,
    producerId: 4242,
    producerEpoch: 3,
    compression,
    topicData: [
      {
        topic: 'orders',
        partitions: [
          { partition: 0, firstSequence: 10, messages: ordersP0 },
          { partition: 2, firstSequence: 0, messages: ordersP2 },
        ],
      },
      { topic: 'payments', partitions: [{ partition: 1, firstSequence: 0, messages: payments }] },
    ],
  };
}

const response: ProduceResponse = {
  responses: [
    {
      name: 'orders',
      partitionResponses: [
        { index: 0, errorCode: 0, baseOffset: 9_007_199_254_740_993n, logAppendTimeMs: -1n, logStartOffset: 0n },
        { index: 2, errorCode: 0, baseOffset: 17n, logAppendTimeMs: BigInt(T0), logStartOffset: 5n },
      ],
    },
  ],
  throttleTimeMs: 11,
};

function messagesOf(batch: Decoded) {
  return batch.records.map((r: Decoded) => ({
    key: r.key === null ? null : r.key.toString(),
    value: r.value.toString(),
    timestamp: Number(r.timestamp),
  }));
}

describe.each([3, 4, 5, 6, 7])('Produce v%i', (version) => {
  const decode = (body: Buffer) => decodeWhole((r) => decodeProduceRequest(version, r), body);

  it.each([
    ['uncompressed', CompressionTypes.None],
    ['gzip', CompressionTypes.GZIP],
  ])('decodes a kafkajs request with %s record batches and keeps them byte-exact', async (_name, compression) => {
    const body = await kafkajsRequestBody('produce', version, produceArgs(compression));
    const req = decode(body);
    expect(req).toMatchObject({ transactionalId: null, acks: -1, timeoutMs: 30_000 });
    expect(req.topicData.map((t) => [t.name, t.partitionData.map((p) => p.index)])).toEqual([
      ['orders', [0, 2]],
      ['payments', [1]],
    ]);

    const expected = [ordersP0, ordersP2, payments];
    const partitions = req.topicData.flatMap((t) => t.partitionData);
    for (const [i, p] of partitions.entries()) {
      const records = p.records!;
      // A v2 record batch: magic 2 at byte 16, batchLength covering the rest of the bytes.
      expect(records[16]).toBe(2);
      expect(records.readInt32BE(8) + 12).toBe(records.length);
      expect(records.readInt16BE(21) & 0x07).toBe(compression);
      const [batch] = await decodeRecordBatches(records);
      expect(batch.producerId).toBe('4242');
      expect(batch.producerEpoch).toBe(3);
      expect(messagesOf(batch)).toEqual(expected[i]!.map(({ key, value, timestamp }) => ({ key, value, timestamp })));
    }
    expect(partitions[0]!.records!.subarray(57, 61).readInt32BE(0)).toBe(ordersP0.length);
  });

  it('decodes a transactional id and acks=0', async () => {
    const body = await kafkajsRequestBody('produce', version, {
      ...produceArgs(CompressionTypes.None),
      acks: 0,
      transactionalId: 'tx-orders',
    });
    expect(decode(body)).toMatchObject({ transactionalId: 'tx-orders', acks: 0 });
  });

  it('throws on every truncation of the request', async () => {
    const body = await kafkajsRequestBody('produce', version, {
      ...produceArgs(CompressionTypes.None),
      topicData: [{ topic: 'orders', partitions: [{ partition: 0, messages: ordersP0 }] }],
    });
    expectTruncationsToThrow((r) => decodeProduceRequest(version, r), body);
  });

  it('encodes a response kafkajs decodes', async () => {
    const decoded = await kafkajsResponse('produce', version).decode(encodeProduceResponse(version, response));
    expect(throttleOf(decoded)).toBe(11);
    expect(decoded.topics).toEqual([
      {
        topicName: 'orders',
        partitions: [
          {
            partition: 0,
            errorCode: 0,
            baseOffset: '9007199254740993',
            logAppendTime: '-1',
            ...(version >= 5 ? { logStartOffset: '0' } : {}),
          },
          {
            partition: 2,
            errorCode: 0,
            baseOffset: '17',
            logAppendTime: String(T0),
            ...(version >= 5 ? { logStartOffset: '5' } : {}),
          },
        ],
      },
    ]);
  });

  it('answers every partition of the request with the error, which kafkajs raises', async () => {
    const req = decode(await kafkajsRequestBody('produce', version, produceArgs(CompressionTypes.None)));
    const res = produceErrorResponse(version, req, ErrorCode.NOT_LEADER);
    const kafkajs = kafkajsResponse('produce', version);
    const decoded = await kafkajs.decode(encodeProduceResponse(version, res));
    const answered = decoded.topics.flatMap((t: Decoded) => t.partitions.map((p: Decoded) => [t.topicName, p.partition, p.errorCode]));
    expect(answered).toEqual([
      ['orders', 0, 6],
      ['orders', 2, 6],
      ['payments', 1, 6],
    ]);
    await expect(kafkajs.parse(decoded)).rejects.toMatchObject({ type: 'NOT_LEADER_FOR_PARTITION' });
  });
});
