/**
 * CreateTopics (key 19), versions 0–3.
 *
 * CreateTopics Request (Version: 0) => [topics] timeout_ms
 *   topics => name num_partitions replication_factor [assignments] [configs]
 *     name => STRING
 *     num_partitions => INT32 (-1: broker default)
 *     replication_factor => INT16 (-1: broker default)
 *     assignments => partition_index [broker_ids]
 *       partition_index => INT32
 *       broker_ids => INT32
 *     configs => name value
 *       name => STRING
 *       value => NULLABLE_STRING
 *   timeout_ms => INT32
 * CreateTopics Request (Version: 1–3) => [topics] timeout_ms validate_only
 *   validate_only => BOOLEAN
 *
 * CreateTopics Response (Version: 0) => [topics]
 *   topics => name error_code
 *     name => STRING
 *     error_code => INT16
 * CreateTopics Response (Version: 1) => [topics], each topic ends with error_message
 *   error_message => NULLABLE_STRING
 * CreateTopics Response (Version: 2–3) => throttle_time_ms [topics]
 *   throttle_time_ms => INT32
 */
import { Writer, type Reader } from '../codec.ts';

export interface CreatableReplicaAssignment {
  partitionIndex: number;
  brokerIds: number[];
}

export interface CreatableTopicConfig {
  name: string;
  value: string | null;
}

export interface CreatableTopic {
  name: string;
  numPartitions: number;
  replicationFactor: number;
  assignments: CreatableReplicaAssignment[];
  configs: CreatableTopicConfig[];
}

export interface CreateTopicsRequest {
  topics: CreatableTopic[];
  timeoutMs: number;
  /** v1+; false below. */
  validateOnly: boolean;
}

export interface CreatableTopicResult {
  name: string;
  errorCode: number;
  /** v1+. */
  errorMessage: string | null;
}

export interface CreateTopicsResponse {
  /** v2+. */
  throttleTimeMs: number;
  topics: CreatableTopicResult[];
}

export function decodeCreateTopicsRequest(version: number, r: Reader): CreateTopicsRequest {
  const topics = r.nonNullArray((r) => ({
    name: r.string(),
    numPartitions: r.int32(),
    replicationFactor: r.int16(),
    assignments: r.nonNullArray((r) => ({ partitionIndex: r.int32(), brokerIds: r.nonNullArray((r) => r.int32()) })),
    configs: r.nonNullArray((r) => ({ name: r.string(), value: r.nullableString() })),
  }));
  const timeoutMs = r.int32();
  const validateOnly = version >= 1 ? r.boolean() : false;
  return { topics, timeoutMs, validateOnly };
}

export function encodeCreateTopicsResponse(version: number, res: CreateTopicsResponse): Buffer {
  const w = new Writer(128);
  if (version >= 2) w.int32(res.throttleTimeMs);
  w.array(res.topics, (w, t) => {
    w.string(t.name).int16(t.errorCode);
    if (version >= 1) w.nullableString(t.errorMessage);
  });
  return w.toBuffer();
}

export function createTopicsErrorResponse(_version: number, req: CreateTopicsRequest, errorCode: number): CreateTopicsResponse {
  return {
    throttleTimeMs: 0,
    topics: req.topics.map((t) => ({ name: t.name, errorCode, errorMessage: null })),
  };
}
