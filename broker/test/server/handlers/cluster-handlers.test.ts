import { afterEach, describe, expect, it } from 'vitest';
import { SUPPORTED_VERSIONS } from '../../../src/protocol/api-keys.ts';
import { ErrorCode } from '../../../src/protocol/error-codes.ts';
import { apiVersions, describeCluster, findCoordinator, metadata } from '../../../src/server/handlers/cluster-handlers.ts';
import { makeTestContext, type TestContext } from '../test-context.ts';

let test: TestContext;
afterEach(() => test?.dispose());

describe('metadata handler', () => {
  it('lists this broker as the only broker and the controller', () => {
    test = makeTestContext();
    const response = metadata(test.ctx, 6, { topics: [], allowAutoTopicCreation: true });
    expect(response.brokers).toEqual([{ nodeId: 0, host: '127.0.0.1', port: 9092, rack: null }]);
    expect(response.controllerId).toBe(0);
    expect(response.clusterId).toBe('test-cluster');
    // An empty list asks for no topics (librdkafka's broker-only query).
    expect(response.topics).toEqual([]);
  });

  it('a null topic list means every topic, each partition led by this broker', () => {
    test = makeTestContext();
    test.ctx.topics.create('a', 2);
    test.ctx.topics.create('b', 1);
    const response = metadata(test.ctx, 6, { topics: null, allowAutoTopicCreation: true });
    expect(response.topics.map((t) => [t.name, t.partitions.length]).sort()).toEqual([
      ['a', 2],
      ['b', 1],
    ]);
    expect(response.topics[0]!.partitions[0]).toMatchObject({ errorCode: 0, leaderId: 0, replicaNodes: [0], isrNodes: [0] });
  });

  it('auto-creates asked-for topics with the default count, unless v4+ forbids it', () => {
    test = makeTestContext({ defaultPartitions: 3 });
    const created = metadata(test.ctx, 6, { topics: [{ name: 'auto' }], allowAutoTopicCreation: true });
    expect(created.topics[0]).toMatchObject({ name: 'auto', errorCode: 0 });
    expect(created.topics[0]!.partitions).toHaveLength(3);

    const refused = metadata(test.ctx, 4, { topics: [{ name: 'not-auto' }], allowAutoTopicCreation: false });
    expect(refused.topics[0]).toMatchObject({ name: 'not-auto', errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, partitions: [] });
    expect(test.ctx.topics.get('not-auto')).toBeUndefined();
    // v1–3 have no such flag: they always auto-create.
    expect(metadata(test.ctx, 1, { topics: [{ name: 'old-client' }], allowAutoTopicCreation: false }).topics[0]!.errorCode).toBe(0);
  });

  it('an invalid topic name is answered with an error, not created', () => {
    test = makeTestContext();
    const response = metadata(test.ctx, 6, { topics: [{ name: 'bad name!' }], allowAutoTopicCreation: true });
    expect(response.topics[0]!.errorCode).toBe(ErrorCode.INVALID_TOPIC_EXCEPTION);
  });
});

describe('describeCluster handler', () => {
  it('lists this broker as the only broker and the controller, without authorized operations', () => {
    test = makeTestContext();
    expect(describeCluster(test.ctx, { includeClusterAuthorizedOperations: true, endpointType: 1 })).toEqual({
      throttleTimeMs: 0,
      errorCode: 0,
      errorMessage: null,
      endpointType: 1,
      clusterId: 'test-cluster',
      controllerId: 0,
      brokers: [{ brokerId: 0, host: '127.0.0.1', port: 9092, rack: null }],
      clusterAuthorizedOperations: -2147483648,
    });
  });

  it('refuses a request for the controllers, as a Kafka broker does', () => {
    test = makeTestContext();
    expect(describeCluster(test.ctx, { includeClusterAuthorizedOperations: false, endpointType: 2 })).toMatchObject({
      errorCode: ErrorCode.MISMATCHED_ENDPOINT_TYPE,
      endpointType: 2,
      brokers: [],
    });
  });
});

describe('findCoordinator and apiVersions handlers', () => {
  it('the coordinator of any group is this broker', () => {
    test = makeTestContext();
    expect(findCoordinator(test.ctx, { key: 'g', keyType: 0 })).toMatchObject({ errorCode: 0, nodeId: 0, host: '127.0.0.1', port: 9092 });
  });

  it('there is no transaction coordinator: a transactional client is refused at once', () => {
    test = makeTestContext();
    expect(findCoordinator(test.ctx, { key: 'tx', keyType: 1 })).toMatchObject({
      errorCode: ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED,
      errorMessage: 'The development broker does not support transactions.',
      nodeId: -1,
    });
  });

  it('apiVersions advertises every supported range', () => {
    const advertised = apiVersions().apiKeys.map((k) => [k.apiKey, k.minVersion, k.maxVersion]);
    expect(advertised.sort((a, b) => a[0]! - b[0]!)).toEqual(
      Object.entries(SUPPORTED_VERSIONS)
        .map(([key, { min, max }]) => [Number(key), min, max])
        .sort((a, b) => a[0]! - b[0]!),
    );
  });
});
