import { describe, expect, it } from 'vitest';
import { createTopicsErrorResponse, decodeCreateTopicsRequest, encodeCreateTopicsResponse } from '../../../src/protocol/apis/create-topics.ts';
import { ErrorCode } from '../../../src/protocol/error-codes.ts';
import { decodeWhole, expectTruncationsToThrow, kafkajsRequestBody, kafkajsResponse, throttleOf } from '../kafkajs-protocol.ts';

const requestArgs = {
  topics: [
    {
      topic: 'orders',
      numPartitions: 3,
      replicationFactor: 1,
      configEntries: [
        { name: 'cleanup.policy', value: 'compact' },
        { name: 'retention.ms', value: null },
      ],
    },
    {
      topic: 'manual',
      replicaAssignment: [
        { partition: 0, replicas: [1] },
        { partition: 1, replicas: [1, 2] },
      ],
    },
  ],
  timeout: 5000,
  validateOnly: true,
};

describe.each([0, 1, 2, 3])('CreateTopics v%i', (version) => {
  const decode = (body: Buffer) => decodeWhole((r) => decodeCreateTopicsRequest(version, r), body);

  it('decodes the request kafkajs sends', async () => {
    expect(decode(await kafkajsRequestBody('createTopics', version, requestArgs))).toEqual({
      topics: [
        {
          name: 'orders',
          numPartitions: 3,
          replicationFactor: 1,
          assignments: [],
          configs: [
            { name: 'cleanup.policy', value: 'compact' },
            { name: 'retention.ms', value: null },
          ],
        },
        {
          name: 'manual',
          numPartitions: -1,
          replicationFactor: -1,
          assignments: [
            { partitionIndex: 0, brokerIds: [1] },
            { partitionIndex: 1, brokerIds: [1, 2] },
          ],
          configs: [],
        },
      ],
      timeoutMs: 5000,
      validateOnly: version >= 1,
    });
  });

  it('throws on every truncation of the request', async () => {
    const body = await kafkajsRequestBody('createTopics', version, requestArgs);
    expectTruncationsToThrow((r) => decodeCreateTopicsRequest(version, r), body);
  });

  it('encodes a response kafkajs decodes', async () => {
    const body = encodeCreateTopicsResponse(version, {
      throttleTimeMs: 10,
      topics: [
        { name: 'orders', errorCode: 0, errorMessage: null },
        { name: 'manual', errorCode: 0, errorMessage: null },
      ],
    });
    const decoded = await kafkajsResponse('createTopics', version).decode(body);
    if (version >= 2) expect(throttleOf(decoded)).toBe(10);
    // kafkajs sorts the results by topic name.
    expect(decoded.topicErrors).toEqual([
      { topic: 'manual', errorCode: 0, ...(version >= 1 ? { errorMessage: null } : {}) },
      { topic: 'orders', errorCode: 0, ...(version >= 1 ? { errorMessage: null } : {}) },
    ]);
  });

  it('answers every topic with the error, which kafkajs raises', async () => {
    const req = decode(await kafkajsRequestBody('createTopics', version, requestArgs));
    const res = createTopicsErrorResponse(version, req, ErrorCode.TOPIC_ALREADY_EXISTS);
    res.topics[0]!.errorMessage = "Topic 'orders' already exists.";
    const kafkajs = kafkajsResponse('createTopics', version);
    const decoded = await kafkajs.decode(encodeCreateTopicsResponse(version, res));
    expect(decoded.topicErrors.map((t: { topic: string; errorCode: number }) => [t.topic, t.errorCode])).toEqual([
      ['manual', 36],
      ['orders', 36],
    ]);
    if (version >= 1) expect(decoded.topicErrors[1].errorMessage).toBe("Topic 'orders' already exists.");
    await expect(kafkajs.parse(decoded)).rejects.toMatchObject({ name: 'KafkaJSAggregateError' });
  });
});
