// ApiVersions, Metadata, FindCoordinator: what the cluster looks like (one node, this broker).
import type { ApiVersionsResponse } from '../../protocol/apis/api-versions.ts';
import { supportedApiVersionsResponse } from '../../protocol/apis/api-versions.ts';
import type { FindCoordinatorResponse } from '../../protocol/apis/find-coordinator.ts';
import type { MetadataRequest, MetadataResponse, MetadataResponseTopic } from '../../protocol/apis/metadata.ts';
import { ErrorCode } from '../../protocol/error-codes.ts';
import type { Topic } from '../../storage/topic-store.ts';
import type { BrokerContext } from '../broker-context.ts';

export function apiVersions(): ApiVersionsResponse {
  return supportedApiVersionsResponse();
}

function describeTopic(ctx: BrokerContext, topic: Topic): MetadataResponseTopic {
  return {
    errorCode: ErrorCode.NONE,
    name: topic.name,
    isInternal: false,
    partitions: topic.partitions.map((_, partitionIndex) => ({
      errorCode: ErrorCode.NONE,
      partitionIndex,
      leaderId: ctx.nodeId,
      replicaNodes: [ctx.nodeId],
      isrNodes: [ctx.nodeId],
      offlineReplicas: [],
    })),
  };
}

export function metadata(ctx: BrokerContext, version: number, req: MetadataRequest): MetadataResponse {
  let topics: MetadataResponseTopic[];
  if (req.topics === null) {
    topics = ctx.topics.list().map((topic) => describeTopic(ctx, topic));
  } else {
    // v1–3 always auto-create; v4+ only when the client allows it (kafkajs and librdkafka do).
    const autoCreate = version < 4 || req.allowAutoTopicCreation;
    topics = req.topics.map(({ name }) => {
      const found = autoCreate ? ctx.topics.getOrCreate(name) : (ctx.topics.get(name) ?? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
      return typeof found === 'number' ? { errorCode: found, name, isInternal: false, partitions: [] } : describeTopic(ctx, found);
    });
  }
  return {
    throttleTimeMs: 0,
    brokers: [{ nodeId: ctx.nodeId, host: ctx.advertisedHost, port: ctx.advertisedPort, rack: null }],
    clusterId: ctx.clusterId,
    controllerId: ctx.nodeId,
    topics,
  };
}

export function findCoordinator(ctx: BrokerContext): FindCoordinatorResponse {
  return {
    throttleTimeMs: 0,
    errorCode: ErrorCode.NONE,
    errorMessage: null,
    nodeId: ctx.nodeId,
    host: ctx.advertisedHost,
    port: ctx.advertisedPort,
  };
}
