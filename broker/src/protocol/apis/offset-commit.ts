/**
 * OffsetCommit (key 8), versions 2–5.
 *
 * OffsetCommit Request (Version: 2–4) => group_id generation_id member_id retention_time_ms [topics]
 *   group_id => STRING
 *   generation_id => INT32
 *   member_id => STRING
 *   retention_time_ms => INT64
 *   topics => name [partitions]
 *     name => STRING
 *     partitions => partition_index committed_offset committed_metadata
 *       partition_index => INT32
 *       committed_offset => INT64
 *       committed_metadata => NULLABLE_STRING
 * OffsetCommit Request (Version: 5) => same without retention_time_ms
 *
 * OffsetCommit Response (Version: 2) => [topics]
 *   topics => name [partitions]
 *     name => STRING
 *     partitions => partition_index error_code
 *       partition_index => INT32
 *       error_code => INT16
 * v3–5: throttle_time_ms (INT32) first.
 *
 * Generation -1 with an empty member id is a commit from outside the group (admin tools);
 * offsets -1/-2 are stored as they are. Both are the coordinator's concern, not this codec's.
 */
import { Writer, type Reader } from '../codec.ts';

export interface OffsetCommitRequestPartition {
  partitionIndex: number;
  committedOffset: bigint;
  committedMetadata: string | null;
}

export interface OffsetCommitRequestTopic {
  name: string;
  partitions: OffsetCommitRequestPartition[];
}

export interface OffsetCommitRequest {
  groupId: string;
  generationId: number;
  memberId: string;
  /** v2–4; -1 (broker default) in v5. */
  retentionTimeMs: bigint;
  topics: OffsetCommitRequestTopic[];
}

export interface OffsetCommitResponsePartition {
  partitionIndex: number;
  errorCode: number;
}

export interface OffsetCommitResponseTopic {
  name: string;
  partitions: OffsetCommitResponsePartition[];
}

export interface OffsetCommitResponse {
  /** v3+. */
  throttleTimeMs: number;
  topics: OffsetCommitResponseTopic[];
}

export function decodeOffsetCommitRequest(version: number, r: Reader): OffsetCommitRequest {
  const groupId = r.string();
  const generationId = r.int32();
  const memberId = r.string();
  const retentionTimeMs = version <= 4 ? r.int64() : -1n;
  const topics = r.nonNullArray((r) => ({
    name: r.string(),
    partitions: r.nonNullArray((r) => ({
      partitionIndex: r.int32(),
      committedOffset: r.int64(),
      committedMetadata: r.nullableString(),
    })),
  }));
  return { groupId, generationId, memberId, retentionTimeMs, topics };
}

export function encodeOffsetCommitResponse(version: number, res: OffsetCommitResponse): Buffer {
  const w = new Writer(128);
  if (version >= 3) w.int32(res.throttleTimeMs);
  w.array(res.topics, (w, t) => {
    w.string(t.name);
    w.array(t.partitions, (w, p) => {
      w.int32(p.partitionIndex).int16(p.errorCode);
    });
  });
  return w.toBuffer();
}

export function offsetCommitErrorResponse(_version: number, req: OffsetCommitRequest, errorCode: number): OffsetCommitResponse {
  return {
    throttleTimeMs: 0,
    topics: req.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode })),
    })),
  };
}
