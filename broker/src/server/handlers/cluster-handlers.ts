// ApiVersions, Metadata, DescribeCluster, FindCoordinator: what the cluster looks like (one
// node, this broker).
import type { ApiVersionsResponse } from '../../protocol/apis/api-versions.ts';
import { supportedApiVersionsResponse } from '../../protocol/apis/api-versions.ts';
import {
  AUTHORIZED_OPERATIONS_OMITTED,
  EndpointType,
  type DescribeClusterRequest,
  type DescribeClusterResponse,
} from '../../protocol/apis/describe-cluster.ts';
import type { FindCoordinatorRequest, FindCoordinatorResponse } from '../../protocol/apis/find-coordinator.ts';
import type { MetadataRequest, MetadataResponse, MetadataResponseTopic } from '../../protocol/apis/metadata.ts';
import { ErrorCode } from '../../protocol/error-codes.ts';
import type { Topic } from '../../storage/topic-store.ts';
import type { BrokerContext } from '../broker-context.ts';
import { TRANSACTIONS_UNSUPPORTED } from './producer-handlers.ts';

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

/**
 * Authorized operations are never reported (as from a Kafka without an authorizer that was not
 * asked); a client that asks gets "unknown" back.
 */
export function describeCluster(ctx: BrokerContext, req: DescribeClusterRequest): DescribeClusterResponse {
  const answer = {
    throttleTimeMs: 0,
    endpointType: req.endpointType,
    clusterId: ctx.clusterId,
    clusterAuthorizedOperations: AUTHORIZED_OPERATIONS_OMITTED,
  };
  if (req.endpointType !== EndpointType.Broker) {
    return {
      ...answer,
      errorCode: ErrorCode.MISMATCHED_ENDPOINT_TYPE,
      errorMessage: `The request was sent to an endpoint of type BROKER, but we wanted an endpoint of type ${req.endpointType === EndpointType.Controller ? 'CONTROLLER' : req.endpointType}`,
      controllerId: -1,
      brokers: [],
    };
  }
  return {
    ...answer,
    errorCode: ErrorCode.NONE,
    errorMessage: null,
    controllerId: ctx.nodeId,
    brokers: [{ brokerId: ctx.nodeId, host: ctx.advertisedHost, port: ctx.advertisedPort, rack: null }],
  };
}

/** Key type 1 asks for a transaction coordinator, which this broker does not have. */
const TRANSACTION_KEY_TYPE = 1;

export function findCoordinator(ctx: BrokerContext, req: FindCoordinatorRequest): FindCoordinatorResponse {
  if (req.keyType === TRANSACTION_KEY_TYPE) {
    return { throttleTimeMs: 0, errorCode: TRANSACTIONS_UNSUPPORTED.errorCode, errorMessage: TRANSACTIONS_UNSUPPORTED.message, nodeId: -1, host: '', port: -1 };
  }
  return {
    throttleTimeMs: 0,
    errorCode: ErrorCode.NONE,
    errorMessage: null,
    nodeId: ctx.nodeId,
    host: ctx.advertisedHost,
    port: ctx.advertisedPort,
  };
}
