import { describe, expect, it } from 'vitest';
import { decodeOffsetCommitRequest, encodeOffsetCommitResponse, offsetCommitErrorResponse } from '../../../src/protocol/apis/offset-commit.ts';
import { ErrorCode } from '../../../src/protocol/error-codes.ts';
import { decodeWhole, expectTruncationsToThrow, kafkajsRequestBody, kafkajsResponse, throttleOf, type Decoded } from '../kafkajs-protocol.ts';

const requestArgs = {
  groupId: 'orders-stg',
  groupGenerationId: 7,
  memberId: 'member-1',
  retentionTime: 86_400_000,
  topics: [
    {
      topic: 'orders',
      partitions: [
        { partition: 0, offset: '42' },
        { partition: 1, offset: '9007199254740993', metadata: 'm' },
      ],
    },
    // What admin.resetOffsets sends: -1/-2 literally, from outside the group.
    { topic: 'payments', partitions: [{ partition: 0, offset: '-2' }] },
  ],
};

describe.each([2, 3, 4, 5])('OffsetCommit v%i', (version) => {
  const decode = (body: Buffer) => decodeWhole((r) => decodeOffsetCommitRequest(version, r), body);

  it('decodes the request kafkajs sends', async () => {
    expect(decode(await kafkajsRequestBody('offsetCommit', version, requestArgs))).toEqual({
      groupId: 'orders-stg',
      generationId: 7,
      memberId: 'member-1',
      retentionTimeMs: version <= 4 ? 86_400_000n : -1n,
      topics: [
        {
          name: 'orders',
          partitions: [
            { partitionIndex: 0, committedOffset: 42n, committedMetadata: null },
            { partitionIndex: 1, committedOffset: 9_007_199_254_740_993n, committedMetadata: 'm' },
          ],
        },
        { name: 'payments', partitions: [{ partitionIndex: 0, committedOffset: -2n, committedMetadata: null }] },
      ],
    });
  });

  it('decodes a commit from outside the group (generation -1, empty member id)', async () => {
    const req = decode(await kafkajsRequestBody('offsetCommit', version, { ...requestArgs, groupGenerationId: -1, memberId: '' }));
    expect(req).toMatchObject({ generationId: -1, memberId: '' });
  });

  it('throws on every truncation of the request', async () => {
    const body = await kafkajsRequestBody('offsetCommit', version, requestArgs);
    expectTruncationsToThrow((r) => decodeOffsetCommitRequest(version, r), body);
  });

  it('encodes a response kafkajs decodes', async () => {
    const body = encodeOffsetCommitResponse(version, {
      throttleTimeMs: 5,
      topics: [
        {
          name: 'orders',
          partitions: [
            { partitionIndex: 0, errorCode: 0 },
            { partitionIndex: 1, errorCode: 0 },
          ],
        },
      ],
    });
    const decoded = await kafkajsResponse('offsetCommit', version).decode(body);
    if (version >= 3) expect(throttleOf(decoded)).toBe(5);
    expect(decoded.responses).toEqual([
      {
        topic: 'orders',
        partitions: [
          { partition: 0, errorCode: 0 },
          { partition: 1, errorCode: 0 },
        ],
      },
    ]);
  });

  it('answers every partition with the error, which kafkajs raises', async () => {
    const req = decode(await kafkajsRequestBody('offsetCommit', version, requestArgs));
    const kafkajs = kafkajsResponse('offsetCommit', version);
    const decoded = await kafkajs.decode(encodeOffsetCommitResponse(version, offsetCommitErrorResponse(version, req, ErrorCode.REBALANCE_IN_PROGRESS)));
    expect(decoded.responses.flatMap((t: Decoded) => t.partitions.map((p: Decoded) => `${t.topic}/${p.partition}:${p.errorCode}`))).toEqual([
      'orders/0:27',
      'orders/1:27',
      'payments/0:27',
    ]);
    await expect(kafkajs.parse(decoded)).rejects.toMatchObject({ type: 'REBALANCE_IN_PROGRESS' });
  });
});
