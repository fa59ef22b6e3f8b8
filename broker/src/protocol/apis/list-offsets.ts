/**
 * ListOffsets (key 2), versions 1–3.
 *
 * ListOffsets Request (Version: 1) => replica_id [topics]
 *   replica_id => INT32
 *   topics => name [partitions]
 *     name => STRING
 *     partitions => partition_index timestamp
 *       partition_index => INT32
 *       timestamp => INT64 (-1 latest, -2 earliest, otherwise a time in ms)
 * ListOffsets Request (Version: 2–3) => replica_id isolation_level [topics]
 *   isolation_level => INT8
 *
 * ListOffsets Response (Version: 1) => [topics]
 *   topics => name [partitions]
 *     name => STRING
 *     partitions => partition_index error_code timestamp offset
 *       partition_index => INT32
 *       error_code => INT16
 *       timestamp => INT64
 *       offset => INT64
 * ListOffsets Response (Version: 2–3) => throttle_time_ms [topics]
 *   throttle_time_ms => INT32
 */
import { Writer, type Reader } from '../codec.ts';

export interface ListOffsetsPartition {
  partitionIndex: number;
  timestamp: bigint;
}

export interface ListOffsetsTopic {
  name: string;
  partitions: ListOffsetsPartition[];
}

export interface ListOffsetsRequest {
  replicaId: number;
  /** v2+; 0 (read uncommitted) below. */
  isolationLevel: number;
  topics: ListOffsetsTopic[];
}

export interface ListOffsetsPartitionResponse {
  partitionIndex: number;
  errorCode: number;
  timestamp: bigint;
  offset: bigint;
}

export interface ListOffsetsTopicResponse {
  name: string;
  partitions: ListOffsetsPartitionResponse[];
}

export interface ListOffsetsResponse {
  /** v2+. */
  throttleTimeMs: number;
  topics: ListOffsetsTopicResponse[];
}

export function decodeListOffsetsRequest(version: number, r: Reader): ListOffsetsRequest {
  const replicaId = r.int32();
  const isolationLevel = version >= 2 ? r.int8() : 0;
  const topics = r.nonNullArray((r) => ({
    name: r.string(),
    partitions: r.nonNullArray((r) => ({ partitionIndex: r.int32(), timestamp: r.int64() })),
  }));
  return { replicaId, isolationLevel, topics };
}

export function encodeListOffsetsResponse(version: number, res: ListOffsetsResponse): Buffer {
  const w = new Writer(256);
  if (version >= 2) w.int32(res.throttleTimeMs);
  w.array(res.topics, (w, t) => {
    w.string(t.name);
    w.array(t.partitions, (w, p) => {
      w.int32(p.partitionIndex).int16(p.errorCode).int64(p.timestamp).int64(p.offset);
    });
  });
  return w.toBuffer();
}

export function listOffsetsErrorResponse(_version: number, req: ListOffsetsRequest, errorCode: number): ListOffsetsResponse {
  return {
    throttleTimeMs: 0,
    topics: req.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => ({
        partitionIndex: p.partitionIndex,
        errorCode,
        timestamp: -1n,
        offset: -1n,
      })),
    })),
  };
}
