import { describe, expect, it } from 'vitest';
import { decodeMetadataRequest, encodeMetadataResponse, metadataErrorResponse, type MetadataResponse } from '../../../src/protocol/apis/metadata.ts';
import { ErrorCode } from '../../../src/protocol/error-codes.ts';
import { decodeWhole, expectTruncationsToThrow, kafkajsRequestBody, kafkajsResponse, throttleOf } from '../kafkajs-protocol.ts';

const response: MetadataResponse = {
  throttleTimeMs: 3,
  brokers: [
    { nodeId: 1, host: '127.0.0.1', port: 9092, rack: null },
    { nodeId: 2, host: 'broker-2', port: 9093, rack: 'rack-b' },
  ],
  clusterId: 'dev-cluster',
  controllerId: 1,
  topics: [
    {
      errorCode: 0,
      name: 'orders',
      isInternal: false,
      partitions: [
        { errorCode: 0, partitionIndex: 0, leaderId: 1, replicaNodes: [1], isrNodes: [1], offlineReplicas: [] },
        { errorCode: 0, partitionIndex: 1, leaderId: 2, replicaNodes: [2, 1], isrNodes: [2], offlineReplicas: [1] },
      ],
    },
    { errorCode: 0, name: '__consumer_offsets', isInternal: true, partitions: [] },
  ],
};

describe.each([1, 2, 3, 4, 5, 6])('Metadata v%i', (version) => {
  const decode = (body: Buffer) => decodeWhole((r) => decodeMetadataRequest(version, r), body);

  it('decodes a request for named topics', async () => {
    const body = await kafkajsRequestBody('metadata', version, {
      topics: ['orders', 'payments'],
      allowAutoTopicCreation: false,
    });
    expect(decode(body)).toEqual({
      topics: [{ name: 'orders' }, { name: 'payments' }],
      // Only v4+ carries the flag; older versions always allowed auto-creation.
      allowAutoTopicCreation: version < 4,
    });
  });

  it('decodes an empty kafkajs topic list as null, meaning every topic', async () => {
    const body = await kafkajsRequestBody('metadata', version, { topics: [] });
    expect(decode(body).topics).toBeNull();
  });

  it('decodes an empty (non-null) topic list as "no topics", as librdkafka asks for brokers only', () => {
    // Hand-built: kafkajs never sends an empty list (it turns [] into null).
    const body = Buffer.from(version >= 4 ? [0, 0, 0, 0, 1] : [0, 0, 0, 0]);
    expect(decode(body)).toEqual({ topics: [], allowAutoTopicCreation: true });
  });

  it('throws on every truncation of the request', async () => {
    const body = await kafkajsRequestBody('metadata', version, { topics: ['orders'] });
    expectTruncationsToThrow((r) => decodeMetadataRequest(version, r), body);
  });

  it('encodes a response kafkajs decodes field by field', async () => {
    const decoded = await kafkajsResponse('metadata', version).decode(encodeMetadataResponse(version, response));
    expect(decoded.brokers).toEqual(response.brokers);
    expect(decoded.controllerId).toBe(1);
    if (version >= 2) expect(decoded.clusterId).toBe('dev-cluster');
    if (version >= 3) expect(throttleOf(decoded)).toBe(3);
    expect(decoded.topicMetadata).toEqual(
      response.topics.map((t) => ({
        topicErrorCode: t.errorCode,
        topic: t.name,
        isInternal: t.isInternal,
        partitionMetadata: t.partitions.map((p) => ({
          partitionErrorCode: p.errorCode,
          partitionId: p.partitionIndex,
          leader: p.leaderId,
          replicas: p.replicaNodes,
          isr: p.isrNodes,
          ...(version >= 5 ? { offlineReplicas: p.offlineReplicas } : {}),
        })),
      })),
    );
  });

  it('answers every requested topic with the error, which kafkajs raises', async () => {
    const req = decode(await kafkajsRequestBody('metadata', version, { topics: ['orders', 'payments'] }));
    const res = metadataErrorResponse(version, req, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    const kafkajs = kafkajsResponse('metadata', version);
    const decoded = await kafkajs.decode(encodeMetadataResponse(version, res));
    expect(decoded.topicMetadata.map((t: { topic: string; topicErrorCode: number }) => [t.topic, t.topicErrorCode])).toEqual([
      ['orders', 3],
      ['payments', 3],
    ]);
    await expect(kafkajs.parse(decoded)).rejects.toMatchObject({ type: 'UNKNOWN_TOPIC_OR_PARTITION' });
  });
});
