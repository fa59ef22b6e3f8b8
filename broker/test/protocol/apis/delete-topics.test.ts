import { describe, expect, it } from 'vitest';
import { decodeDeleteTopicsRequest, deleteTopicsErrorResponse, encodeDeleteTopicsResponse } from '../../../src/protocol/apis/delete-topics.ts';
import { ErrorCode } from '../../../src/protocol/error-codes.ts';
import { decodeWhole, expectTruncationsToThrow, kafkajsRequestBody, kafkajsResponse, throttleOf } from '../kafkajs-protocol.ts';

const requestArgs = { topics: ['orders', 'payments'], timeout: 7000 };

describe.each([0, 1])('DeleteTopics v%i', (version) => {
  const decode = (body: Buffer) => decodeWhole((r) => decodeDeleteTopicsRequest(version, r), body);

  it('decodes the request kafkajs sends', async () => {
    expect(decode(await kafkajsRequestBody('deleteTopics', version, requestArgs))).toEqual({
      topicNames: ['orders', 'payments'],
      timeoutMs: 7000,
    });
  });

  it('throws on every truncation of the request', async () => {
    const body = await kafkajsRequestBody('deleteTopics', version, requestArgs);
    expectTruncationsToThrow((r) => decodeDeleteTopicsRequest(version, r), body);
  });

  it('encodes a response kafkajs decodes', async () => {
    const body = encodeDeleteTopicsResponse(version, {
      throttleTimeMs: 3,
      responses: [
        { name: 'payments', errorCode: 0 },
        { name: 'orders', errorCode: 0 },
      ],
    });
    const decoded = await kafkajsResponse('deleteTopics', version).decode(body);
    if (version >= 1) expect(throttleOf(decoded)).toBe(3);
    expect(decoded.topicErrors).toEqual([
      { topic: 'orders', errorCode: 0 },
      { topic: 'payments', errorCode: 0 },
    ]);
  });

  it('answers every topic with the error, which kafkajs raises', async () => {
    const req = decode(await kafkajsRequestBody('deleteTopics', version, requestArgs));
    const kafkajs = kafkajsResponse('deleteTopics', version);
    const decoded = await kafkajs.decode(encodeDeleteTopicsResponse(version, deleteTopicsErrorResponse(version, req, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)));
    expect(decoded.topicErrors.map((t: { errorCode: number }) => t.errorCode)).toEqual([3, 3]);
    await expect(kafkajs.parse(decoded)).rejects.toMatchObject({ type: 'UNKNOWN_TOPIC_OR_PARTITION' });
  });
});
