import { describe, expect, it } from 'vitest';
import { decodeOffsetFetchRequest, encodeOffsetFetchResponse, offsetFetchErrorResponse } from '../../../src/protocol/apis/offset-fetch.ts';
import { ProtocolDecodeError, Reader } from '../../../src/protocol/codec.ts';
import { ErrorCode } from '../../../src/protocol/error-codes.ts';
import { decodeWhole, expectTruncationsToThrow, kafkajsRequestBody, kafkajsResponse, throttleOf, type Decoded } from '../kafkajs-protocol.ts';

const requestArgs = {
  groupId: 'orders-stg',
  topics: [
    { topic: 'orders', partitions: [{ partition: 0 }, { partition: 1 }] },
    { topic: 'payments', partitions: [{ partition: 3 }] },
  ],
};

// group id "g" followed by a null topic array (hand-built: kafkajs only sends null from v3).
const allTopicsBody = Buffer.from([0x00, 0x01, 0x67, 0xff, 0xff, 0xff, 0xff]);

describe.each([1, 2, 3, 4])('OffsetFetch v%i', (version) => {
  const decode = (body: Buffer) => decodeWhole((r) => decodeOffsetFetchRequest(version, r), body);

  it('decodes the request kafkajs sends', async () => {
    expect(decode(await kafkajsRequestBody('offsetFetch', version, requestArgs))).toEqual({
      groupId: 'orders-stg',
      topics: [
        { name: 'orders', partitionIndexes: [0, 1] },
        { name: 'payments', partitionIndexes: [3] },
      ],
    });
  });

  if (version >= 2) {
    it('decodes a null topic list as "every committed offset"', () => {
      expect(decode(allTopicsBody)).toEqual({ groupId: 'g', topics: null });
    });
  } else {
    it('rejects a null topic list, which v1 does not allow', () => {
      expect(() => decodeOffsetFetchRequest(version, new Reader(allTopicsBody))).toThrow(ProtocolDecodeError);
    });
  }

  it('throws on every truncation of the request', async () => {
    const body = await kafkajsRequestBody('offsetFetch', version, requestArgs);
    expectTruncationsToThrow((r) => decodeOffsetFetchRequest(version, r), body);
  });

  it('encodes a response kafkajs decodes', async () => {
    const body = encodeOffsetFetchResponse(version, {
      throttleTimeMs: 4,
      topics: [
        {
          name: 'orders',
          partitions: [
            { partitionIndex: 0, committedOffset: 42n, metadata: null, errorCode: 0 },
            { partitionIndex: 1, committedOffset: -1n, metadata: 'meta', errorCode: 0 },
          ],
        },
      ],
      errorCode: 0,
    });
    const decoded = await kafkajsResponse('offsetFetch', version).decode(body);
    if (version >= 2) expect(decoded.errorCode).toBe(0);
    if (version >= 3) expect(throttleOf(decoded)).toBe(4);
    expect(decoded.responses).toEqual([
      {
        topic: 'orders',
        partitions: [
          { partition: 0, offset: '42', metadata: null, errorCode: 0 },
          { partition: 1, offset: '-1', metadata: 'meta', errorCode: 0 },
        ],
      },
    ]);
  });

  it('puts the error on every partition and on the group, which kafkajs raises', async () => {
    const req = decode(await kafkajsRequestBody('offsetFetch', version, requestArgs));
    const kafkajs = kafkajsResponse('offsetFetch', version);
    const decoded = await kafkajs.decode(encodeOffsetFetchResponse(version, offsetFetchErrorResponse(version, req, ErrorCode.NOT_COORDINATOR)));
    expect(decoded.responses.flatMap((t: Decoded) => t.partitions.map((p: Decoded) => `${t.topic}/${p.partition}:${p.offset}:${p.errorCode}`))).toEqual([
      'orders/0:-1:16',
      'orders/1:-1:16',
      'payments/3:-1:16',
    ]);
    if (version >= 2) expect(decoded.errorCode).toBe(16);
    await expect(kafkajs.parse(decoded)).rejects.toMatchObject({ type: 'NOT_COORDINATOR_FOR_GROUP' });
  });
});
