import { describe, expect, it } from 'vitest';
import { decodeFetchRequest, encodeFetchResponse, fetchErrorResponse, type FetchResponse } from '../../../src/protocol/apis/fetch.ts';
import { ErrorCode } from '../../../src/protocol/error-codes.ts';
import {
  decodeWhole,
  expectTruncationsToThrow,
  kafkajsRecordBatch,
  kafkajsRequestBody,
  kafkajsResponse,
  throttleOf,
  type Decoded,
} from '../kafkajs-protocol.ts';

const T0 = 1_700_000_000_000;

const fetchArgs = {
  replicaId: -1,
  maxWaitTime: 5000,
  minBytes: 1,
  maxBytes: 10_485_760,
  isolationLevel: 1,
  sessionId: 123,
  sessionEpoch: 4,
  rackId: 'rack-a',
  topics: [
    {
      topic: 'orders',
      partitions: [
        { partition: 0, currentLeaderEpoch: 3, fetchOffset: '42', logStartOffset: '7', maxBytes: 1_048_576 },
        { partition: 1, fetchOffset: '9007199254740993', maxBytes: 65_536 },
      ],
    },
  ],
  forgottenTopics: [{ topic: 'old', partitions: [1, 2] }],
};

async function responseWithBatches(): Promise<FetchResponse> {
  const batches = Buffer.concat([
    await kafkajsRecordBatch(
      [
        { key: 'k100', value: 'v100', timestamp: T0 },
        { key: 'k101', value: 'v101', timestamp: T0 + 1 },
      ],
      100,
    ),
    await kafkajsRecordBatch([{ key: 'k102', value: 'v102', timestamp: T0 + 2 }], 102),
  ]);
  return {
    throttleTimeMs: 9,
    errorCode: 0,
    sessionId: 0,
    responses: [
      {
        topic: 'orders',
        partitions: [
          {
            partitionIndex: 0,
            errorCode: 0,
            highWatermark: 103n,
            lastStableOffset: 103n,
            logStartOffset: 100n,
            abortedTransactions: [],
            preferredReadReplica: -1,
            records: batches,
          },
          {
            partitionIndex: 1,
            errorCode: 0,
            highWatermark: 9_007_199_254_740_993n,
            lastStableOffset: 9_007_199_254_740_993n,
            logStartOffset: 0n,
            abortedTransactions: [{ producerId: 77n, firstOffset: 5n }],
            preferredReadReplica: -1,
            records: null,
          },
        ],
      },
    ],
  };
}

describe.each([4, 5, 6, 7, 8, 9, 10, 11])('Fetch v%i', (version) => {
  const decode = (body: Buffer) => decodeWhole((r) => decodeFetchRequest(version, r), body);

  it('decodes the request kafkajs sends', async () => {
    const req = decode(await kafkajsRequestBody('fetch', version, fetchArgs));
    expect(req).toEqual({
      replicaId: -1,
      maxWaitMs: 5000,
      minBytes: 1,
      maxBytes: 10_485_760,
      isolationLevel: 1,
      sessionId: version >= 7 ? 123 : 0,
      sessionEpoch: version >= 7 ? 4 : -1,
      topics: [
        {
          topic: 'orders',
          partitions: [
            {
              partition: 0,
              currentLeaderEpoch: version >= 9 ? 3 : -1,
              fetchOffset: 42n,
              logStartOffset: version >= 5 ? 7n : -1n,
              partitionMaxBytes: 1_048_576,
            },
            {
              partition: 1,
              currentLeaderEpoch: -1,
              fetchOffset: 9_007_199_254_740_993n,
              logStartOffset: -1n,
              partitionMaxBytes: 65_536,
            },
          ],
        },
      ],
      forgottenTopicsData: version >= 7 ? [{ topic: 'old', partitions: [1, 2] }] : [],
      rackId: version >= 11 ? 'rack-a' : '',
    });
  });

  it('throws on every truncation of the request', async () => {
    expectTruncationsToThrow((r) => decodeFetchRequest(version, r), await kafkajsRequestBody('fetch', version, fetchArgs));
  });

  it('encodes a response whose raw record batches kafkajs turns back into messages', async () => {
    const decoded = await kafkajsResponse('fetch', version).decode(encodeFetchResponse(version, await responseWithBatches()));
    expect(throttleOf(decoded)).toBe(9);
    if (version >= 7) expect(decoded).toMatchObject({ errorCode: 0, sessionId: 0 });
    expect(decoded.responses).toHaveLength(1);
    expect(decoded.responses[0].topicName).toBe('orders');

    const [p0, p1] = decoded.responses[0].partitions;
    expect(p0).toMatchObject({ partition: 0, errorCode: 0, highWatermark: '103', lastStableOffset: '103' });
    expect(p0.abortedTransactions).toEqual([]);
    expect(p0.messages.map((m: Decoded) => [m.offset, m.key.toString(), m.value.toString()])).toEqual([
      ['100', 'k100', 'v100'],
      ['101', 'k101', 'v101'],
      ['102', 'k102', 'v102'],
    ]);

    expect(p1).toMatchObject({ partition: 1, highWatermark: '9007199254740993', messages: [] });
    expect(p1.abortedTransactions).toEqual([{ producerId: '77', firstOffset: '5' }]);

    // kafkajs spells log_start_offset "lastStartOffset".
    if (version >= 5) expect([p0.lastStartOffset, p1.lastStartOffset]).toEqual(['100', '0']);
    else expect(p0.lastStartOffset).toBeUndefined();
    if (version >= 11) expect(p0.preferredReadReplica).toBe(-1);
    else expect(p0.preferredReadReplica).toBeUndefined();
  });

  it('answers every partition of the request with the error, which kafkajs raises', async () => {
    const req = decode(await kafkajsRequestBody('fetch', version, fetchArgs));
    const kafkajs = kafkajsResponse('fetch', version);
    const decoded = await kafkajs.decode(encodeFetchResponse(version, fetchErrorResponse(version, req, ErrorCode.OFFSET_OUT_OF_RANGE)));
    expect(decoded.responses[0].partitions.map((p: Decoded) => [p.partition, p.errorCode, p.messages.length])).toEqual([
      [0, 1, 0],
      [1, 1, 0],
    ]);
    await expect(kafkajs.parse(decoded)).rejects.toMatchObject({ name: 'KafkaJSOffsetOutOfRange', topic: 'orders' });
  });
});

describe('Fetch response encoding', () => {
  it('writes a null aborted-transactions list as -1 and a null record set as -1', () => {
    const body = encodeFetchResponse(4, {
      throttleTimeMs: 0,
      errorCode: 0,
      sessionId: 0,
      responses: [
        {
          topic: 't',
          partitions: [
            {
              partitionIndex: 0,
              errorCode: 0,
              highWatermark: 0n,
              lastStableOffset: 0n,
              logStartOffset: 0n,
              abortedTransactions: null,
              preferredReadReplica: -1,
              records: null,
            },
          ],
        },
      ],
    });
    // throttle(4) topics(4) name(2+1) partitions(4) index(4) error(2) hw(8) lso(8) = 37
    expect(body.readInt32BE(37)).toBe(-1);
    expect(body.readInt32BE(41)).toBe(-1);
    expect(body.length).toBe(45);
  });
});
