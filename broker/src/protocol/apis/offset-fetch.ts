/**
 * OffsetFetch (key 9), versions 1–4.
 *
 * OffsetFetch Request (Version: 1–4) => group_id [topics]
 *   group_id => STRING
 *   topics => name [partition_indexes]
 *     name => STRING
 *     partition_indexes => INT32
 *   (topics is nullable from v2: null asks for every committed offset of the group)
 *
 * OffsetFetch Response (Version: 1) => [topics]
 *   topics => name [partitions]
 *     name => STRING
 *     partitions => partition_index committed_offset metadata error_code
 *       partition_index => INT32
 *       committed_offset => INT64 (-1 when nothing is committed)
 *       metadata => NULLABLE_STRING
 *       error_code => INT16
 * OffsetFetch Response (Version: 2) => [topics] error_code
 *   error_code => INT16
 * OffsetFetch Response (Version: 3–4) => throttle_time_ms [topics] error_code
 *   throttle_time_ms => INT32
 */
import { ProtocolDecodeError, Writer, type Reader } from '../codec.ts';

export interface OffsetFetchRequestTopic {
  name: string;
  partitionIndexes: number[];
}

export interface OffsetFetchRequest {
  groupId: string;
  /** null (v2+): every topic the group has committed offsets for. */
  topics: OffsetFetchRequestTopic[] | null;
}

export interface OffsetFetchResponsePartition {
  partitionIndex: number;
  committedOffset: bigint;
  metadata: string | null;
  errorCode: number;
}

export interface OffsetFetchResponseTopic {
  name: string;
  partitions: OffsetFetchResponsePartition[];
}

export interface OffsetFetchResponse {
  /** v3+. */
  throttleTimeMs: number;
  topics: OffsetFetchResponseTopic[];
  /** v2+: the group-level error. */
  errorCode: number;
}

export function decodeOffsetFetchRequest(version: number, r: Reader): OffsetFetchRequest {
  const groupId = r.string();
  const topics = r.array((r) => ({ name: r.string(), partitionIndexes: r.nonNullArray((r) => r.int32()) }));
  if (topics === null && version < 2) throw new ProtocolDecodeError('OffsetFetch v1 cannot ask for all topics');
  return { groupId, topics };
}

export function encodeOffsetFetchResponse(version: number, res: OffsetFetchResponse): Buffer {
  const w = new Writer(256);
  if (version >= 3) w.int32(res.throttleTimeMs);
  w.array(res.topics, (w, t) => {
    w.string(t.name);
    w.array(t.partitions, (w, p) => {
      w.int32(p.partitionIndex).int64(p.committedOffset).nullableString(p.metadata).int16(p.errorCode);
    });
  });
  if (version >= 2) w.int16(res.errorCode);
  return w.toBuffer();
}

/** Puts the error on every requested partition (what v1 clients read) and on the group (v2+). */
export function offsetFetchErrorResponse(_version: number, req: OffsetFetchRequest, errorCode: number): OffsetFetchResponse {
  return {
    throttleTimeMs: 0,
    topics: (req.topics ?? []).map((t) => ({
      name: t.name,
      partitions: t.partitionIndexes.map((partitionIndex) => ({
        partitionIndex,
        committedOffset: -1n,
        metadata: null,
        errorCode,
      })),
    })),
    errorCode,
  };
}
