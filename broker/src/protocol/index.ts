/**
 * The protocol layer's front door: one table entry per API, so the server can dispatch
 * generically (decode the body, call its handler, encode the answer or an error answer).
 */
import type { ApiCodec } from './api-codec.ts';
import { ApiKey, SUPPORTED_VERSIONS, apiName } from './api-keys.ts';
import type { Reader } from './codec.ts';
import { apiVersionsErrorResponse, decodeApiVersionsRequest, encodeApiVersionsResponse } from './apis/api-versions.ts';
import { createTopicsErrorResponse, decodeCreateTopicsRequest, encodeCreateTopicsResponse } from './apis/create-topics.ts';
import { decodeDeleteTopicsRequest, deleteTopicsErrorResponse, encodeDeleteTopicsResponse } from './apis/delete-topics.ts';
import { decodeDescribeClusterRequest, describeClusterErrorResponse, encodeDescribeClusterResponse } from './apis/describe-cluster.ts';
import { decodeDescribeConfigsRequest, describeConfigsErrorResponse, encodeDescribeConfigsResponse } from './apis/describe-configs.ts';
import { decodeDescribeGroupsRequest, describeGroupsErrorResponse, encodeDescribeGroupsResponse } from './apis/describe-groups.ts';
import { decodeFetchRequest, encodeFetchResponse, fetchErrorResponse } from './apis/fetch.ts';
import { decodeFindCoordinatorRequest, encodeFindCoordinatorResponse, findCoordinatorErrorResponse } from './apis/find-coordinator.ts';
import { decodeHeartbeatRequest, encodeHeartbeatResponse, heartbeatErrorResponse } from './apis/heartbeat.ts';
import { decodeInitProducerIdRequest, encodeInitProducerIdResponse, initProducerIdErrorResponse } from './apis/init-producer-id.ts';
import { decodeJoinGroupRequest, encodeJoinGroupResponse, joinGroupErrorResponse } from './apis/join-group.ts';
import { decodeLeaveGroupRequest, encodeLeaveGroupResponse, leaveGroupErrorResponse } from './apis/leave-group.ts';
import { decodeListGroupsRequest, encodeListGroupsResponse, listGroupsErrorResponse } from './apis/list-groups.ts';
import { decodeListOffsetsRequest, encodeListOffsetsResponse, listOffsetsErrorResponse } from './apis/list-offsets.ts';
import { decodeMetadataRequest, encodeMetadataResponse, metadataErrorResponse } from './apis/metadata.ts';
import { decodeOffsetCommitRequest, encodeOffsetCommitResponse, offsetCommitErrorResponse } from './apis/offset-commit.ts';
import { decodeOffsetFetchRequest, encodeOffsetFetchResponse, offsetFetchErrorResponse } from './apis/offset-fetch.ts';
import { decodeProduceRequest, encodeProduceResponse, produceErrorResponse } from './apis/produce.ts';
import { decodeSyncGroupRequest, encodeSyncGroupResponse, syncGroupErrorResponse } from './apis/sync-group.ts';

function defineApi<Req, Res>(
  apiKey: ApiKey,
  decodeRequest: (version: number, r: Reader) => Req,
  encodeResponse: (version: number, res: Res) => Buffer,
  errorResponse: (version: number, req: Req, errorCode: number) => Res,
): ApiCodec<Req, Res> {
  const { min, max } = SUPPORTED_VERSIONS[apiKey];
  return { apiKey, name: apiName(apiKey), minVersion: min, maxVersion: max, decodeRequest, encodeResponse, errorResponse };
}

/** One entry per API, typed per API: `API_CODECS[ApiKey.Fetch].decodeRequest(...)` is a FetchRequest. */
export const API_CODECS = {
  [ApiKey.Produce]: defineApi(ApiKey.Produce, decodeProduceRequest, encodeProduceResponse, produceErrorResponse),
  [ApiKey.Fetch]: defineApi(ApiKey.Fetch, decodeFetchRequest, encodeFetchResponse, fetchErrorResponse),
  [ApiKey.ListOffsets]: defineApi(ApiKey.ListOffsets, decodeListOffsetsRequest, encodeListOffsetsResponse, listOffsetsErrorResponse),
  [ApiKey.Metadata]: defineApi(ApiKey.Metadata, decodeMetadataRequest, encodeMetadataResponse, metadataErrorResponse),
  [ApiKey.OffsetCommit]: defineApi(ApiKey.OffsetCommit, decodeOffsetCommitRequest, encodeOffsetCommitResponse, offsetCommitErrorResponse),
  [ApiKey.OffsetFetch]: defineApi(ApiKey.OffsetFetch, decodeOffsetFetchRequest, encodeOffsetFetchResponse, offsetFetchErrorResponse),
  [ApiKey.FindCoordinator]: defineApi(ApiKey.FindCoordinator, decodeFindCoordinatorRequest, encodeFindCoordinatorResponse, findCoordinatorErrorResponse),
  [ApiKey.JoinGroup]: defineApi(ApiKey.JoinGroup, decodeJoinGroupRequest, encodeJoinGroupResponse, joinGroupErrorResponse),
  [ApiKey.Heartbeat]: defineApi(ApiKey.Heartbeat, decodeHeartbeatRequest, encodeHeartbeatResponse, heartbeatErrorResponse),
  [ApiKey.LeaveGroup]: defineApi(ApiKey.LeaveGroup, decodeLeaveGroupRequest, encodeLeaveGroupResponse, leaveGroupErrorResponse),
  [ApiKey.SyncGroup]: defineApi(ApiKey.SyncGroup, decodeSyncGroupRequest, encodeSyncGroupResponse, syncGroupErrorResponse),
  [ApiKey.DescribeGroups]: defineApi(ApiKey.DescribeGroups, decodeDescribeGroupsRequest, encodeDescribeGroupsResponse, describeGroupsErrorResponse),
  [ApiKey.ListGroups]: defineApi(ApiKey.ListGroups, decodeListGroupsRequest, encodeListGroupsResponse, listGroupsErrorResponse),
  [ApiKey.ApiVersions]: defineApi(ApiKey.ApiVersions, decodeApiVersionsRequest, encodeApiVersionsResponse, apiVersionsErrorResponse),
  [ApiKey.CreateTopics]: defineApi(ApiKey.CreateTopics, decodeCreateTopicsRequest, encodeCreateTopicsResponse, createTopicsErrorResponse),
  [ApiKey.DeleteTopics]: defineApi(ApiKey.DeleteTopics, decodeDeleteTopicsRequest, encodeDeleteTopicsResponse, deleteTopicsErrorResponse),
  [ApiKey.InitProducerId]: defineApi(ApiKey.InitProducerId, decodeInitProducerIdRequest, encodeInitProducerIdResponse, initProducerIdErrorResponse),
  [ApiKey.DescribeConfigs]: defineApi(ApiKey.DescribeConfigs, decodeDescribeConfigsRequest, encodeDescribeConfigsResponse, describeConfigsErrorResponse),
  [ApiKey.DescribeCluster]: defineApi(ApiKey.DescribeCluster, decodeDescribeClusterRequest, encodeDescribeClusterResponse, describeClusterErrorResponse),
} as const satisfies Record<ApiKey, ApiCodec<unknown, unknown>>;

export type AnyApiCodec = ApiCodec<unknown, unknown>;

/** Lookup by a raw api key from the wire: undefined for an API the broker does not implement. */
export const API_TABLE: Readonly<Partial<Record<number, AnyApiCodec>>> = API_CODECS;

export type { ApiCodec } from './api-codec.ts';
export * from './api-keys.ts';
export * from './codec.ts';
export * from './error-codes.ts';
export * from './header.ts';
export * from './apis/api-versions.ts';
export * from './apis/create-topics.ts';
export * from './apis/delete-topics.ts';
export * from './apis/describe-cluster.ts';
export * from './apis/describe-configs.ts';
export * from './apis/describe-groups.ts';
export * from './apis/fetch.ts';
export * from './apis/find-coordinator.ts';
export * from './apis/heartbeat.ts';
export * from './apis/init-producer-id.ts';
export * from './apis/join-group.ts';
export * from './apis/leave-group.ts';
export * from './apis/list-groups.ts';
export * from './apis/list-offsets.ts';
export * from './apis/metadata.ts';
export * from './apis/offset-commit.ts';
export * from './apis/offset-fetch.ts';
export * from './apis/produce.ts';
export * from './apis/sync-group.ts';
