import { describe, expect, it } from 'vitest';
import { decodeListOffsetsRequest, encodeListOffsetsResponse, listOffsetsErrorResponse } from '../../../src/protocol/apis/list-offsets.ts';
import { ErrorCode } from '../../../src/protocol/error-codes.ts';
import { decodeWhole, expectTruncationsToThrow, kafkajsRequestBody, kafkajsResponse, throttleOf, type Decoded } from '../kafkajs-protocol.ts';

const requestArgs = {
  replicaId: -1,
  isolationLevel: 1,
  topics: [
    {
      topic: 'orders',
      partitions: [
        { partition: 0, timestamp: -1 },
        { partition: 1, timestamp: -2 },
        { partition: 2, timestamp: 1_700_000_000_000 },
      ],
    },
    { topic: 'payments', partitions: [{ partition: 0 }] },
  ],
};

describe.each([1, 2, 3])('ListOffsets v%i', (version) => {
  const decode = (body: Buffer) => decodeWhole((r) => decodeListOffsetsRequest(version, r), body);

  it('decodes the request kafkajs sends', async () => {
    expect(decode(await kafkajsRequestBody('listOffsets', version, requestArgs))).toEqual({
      replicaId: -1,
      isolationLevel: version >= 2 ? 1 : 0,
      topics: [
        {
          name: 'orders',
          partitions: [
            { partitionIndex: 0, timestamp: -1n },
            { partitionIndex: 1, timestamp: -2n },
            { partitionIndex: 2, timestamp: 1_700_000_000_000n },
          ],
        },
        { name: 'payments', partitions: [{ partitionIndex: 0, timestamp: -1n }] },
      ],
    });
  });

  it('throws on every truncation of the request', async () => {
    const body = await kafkajsRequestBody('listOffsets', version, requestArgs);
    expectTruncationsToThrow((r) => decodeListOffsetsRequest(version, r), body);
  });

  it('encodes a response kafkajs decodes', async () => {
    const body = encodeListOffsetsResponse(version, {
      throttleTimeMs: 4,
      topics: [
        {
          name: 'orders',
          partitions: [
            { partitionIndex: 0, errorCode: 0, timestamp: -1n, offset: 9_007_199_254_740_993n },
            { partitionIndex: 1, errorCode: 0, timestamp: 1_700_000_000_000n, offset: 0n },
          ],
        },
      ],
    });
    const decoded = await kafkajsResponse('listOffsets', version).decode(body);
    if (version >= 2) expect(throttleOf(decoded)).toBe(4);
    expect(decoded.responses).toEqual([
      {
        topic: 'orders',
        partitions: [
          { partition: 0, errorCode: 0, timestamp: '-1', offset: '9007199254740993' },
          { partition: 1, errorCode: 0, timestamp: '1700000000000', offset: '0' },
        ],
      },
    ]);
  });

  it('answers every partition with the error, which kafkajs raises', async () => {
    const req = decode(await kafkajsRequestBody('listOffsets', version, requestArgs));
    const kafkajs = kafkajsResponse('listOffsets', version);
    const decoded = await kafkajs.decode(encodeListOffsetsResponse(version, listOffsetsErrorResponse(version, req, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)));
    expect(decoded.responses.flatMap((t: Decoded) => t.partitions.map((p: Decoded) => `${t.topic}/${p.partition}:${p.errorCode}`))).toEqual([
      'orders/0:3',
      'orders/1:3',
      'orders/2:3',
      'payments/0:3',
    ]);
    await expect(kafkajs.parse(decoded)).rejects.toMatchObject({ type: 'UNKNOWN_TOPIC_OR_PARTITION' });
  });
});
