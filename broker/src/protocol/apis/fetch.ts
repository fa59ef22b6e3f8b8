/**
 * Fetch (key 1), versions 4–11.
 *
 * Fetch Request (Version: 4) => replica_id max_wait_ms min_bytes max_bytes isolation_level [topics]
 *   replica_id => INT32
 *   max_wait_ms => INT32
 *   min_bytes => INT32
 *   max_bytes => INT32
 *   isolation_level => INT8
 *   topics => topic [partitions]
 *     topic => STRING
 *     partitions => partition fetch_offset partition_max_bytes
 *       partition => INT32
 *       fetch_offset => INT64
 *       partition_max_bytes => INT32
 * v5–6: each partition gets log_start_offset (INT64) after fetch_offset.
 * v7–8: session_id (INT32) session_epoch (INT32) after isolation_level, and a trailing
 *       [forgotten_topics_data] => topic [partitions] (STRING, [INT32]).
 * v9–10: each partition gets current_leader_epoch (INT32) before fetch_offset.
 * v11: a trailing rack_id (STRING).
 *
 * Fetch Response (Version: 4) => throttle_time_ms [responses]
 *   throttle_time_ms => INT32
 *   responses => topic [partitions]
 *     topic => STRING
 *     partitions => partition_index error_code high_watermark last_stable_offset
 *                   [aborted_transactions] records
 *       partition_index => INT32
 *       error_code => INT16
 *       high_watermark => INT64
 *       last_stable_offset => INT64
 *       aborted_transactions => producer_id first_offset (INT64, INT64; nullable array)
 *       records => RECORDS (NULLABLE_BYTES)
 * v5–6: log_start_offset (INT64) after last_stable_offset.
 * v7–10: error_code (INT16) session_id (INT32) after throttle_time_ms.
 * v11: preferred_read_replica (INT32) after aborted_transactions.
 */
import { Writer, type Reader } from '../codec.ts';

export interface FetchPartition {
  partition: number;
  /** v9+; -1 below. */
  currentLeaderEpoch: number;
  fetchOffset: bigint;
  /** v5+; -1 below (only followers use it). */
  logStartOffset: bigint;
  partitionMaxBytes: number;
}

export interface FetchTopic {
  topic: string;
  partitions: FetchPartition[];
}

export interface ForgottenTopic {
  topic: string;
  partitions: number[];
}

export interface FetchRequest {
  replicaId: number;
  maxWaitMs: number;
  minBytes: number;
  maxBytes: number;
  /** 0 read uncommitted, 1 read committed. */
  isolationLevel: number;
  /** v7+; 0 below. */
  sessionId: number;
  /** v7+; -1 below. */
  sessionEpoch: number;
  topics: FetchTopic[];
  /** v7+; [] below. */
  forgottenTopicsData: ForgottenTopic[];
  /** v11+; '' below. */
  rackId: string;
}

export interface AbortedTransaction {
  producerId: bigint;
  firstOffset: bigint;
}

export interface FetchPartitionData {
  partitionIndex: number;
  errorCode: number;
  highWatermark: bigint;
  lastStableOffset: bigint;
  /** v5+. */
  logStartOffset: bigint;
  /** Written as a null array when null. */
  abortedTransactions: AbortedTransaction[] | null;
  /** v11+; -1 means "no preference". */
  preferredReadReplica: number;
  /** Record batches written as they are; null or empty when there is nothing to return. */
  records: Buffer | null;
}

export interface FetchTopicResponse {
  topic: string;
  partitions: FetchPartitionData[];
}

export interface FetchResponse {
  throttleTimeMs: number;
  /** v7+. */
  errorCode: number;
  /** v7+; 0 when there is no fetch session. */
  sessionId: number;
  responses: FetchTopicResponse[];
}

export function decodeFetchRequest(version: number, r: Reader): FetchRequest {
  const replicaId = r.int32();
  const maxWaitMs = r.int32();
  const minBytes = r.int32();
  const maxBytes = r.int32();
  const isolationLevel = r.int8();
  const sessionId = version >= 7 ? r.int32() : 0;
  const sessionEpoch = version >= 7 ? r.int32() : -1;
  const topics = r.nonNullArray((r) => ({
    topic: r.string(),
    partitions: r.nonNullArray((r) => {
      const partition = r.int32();
      const currentLeaderEpoch = version >= 9 ? r.int32() : -1;
      const fetchOffset = r.int64();
      const logStartOffset = version >= 5 ? r.int64() : -1n;
      const partitionMaxBytes = r.int32();
      return { partition, currentLeaderEpoch, fetchOffset, logStartOffset, partitionMaxBytes };
    }),
  }));
  const forgottenTopicsData = version >= 7 ? r.nonNullArray((r) => ({ topic: r.string(), partitions: r.nonNullArray((r) => r.int32()) })) : [];
  const rackId = version >= 11 ? r.string() : '';
  return {
    replicaId,
    maxWaitMs,
    minBytes,
    maxBytes,
    isolationLevel,
    sessionId,
    sessionEpoch,
    topics,
    forgottenTopicsData,
    rackId,
  };
}

function recordsSize(res: FetchResponse): number {
  let size = 0;
  for (const t of res.responses) for (const p of t.partitions) size += p.records?.length ?? 0;
  return size;
}

export function encodeFetchResponse(version: number, res: FetchResponse): Buffer {
  // Sized for the records up front so large fetches are copied once, not regrown.
  const w = new Writer(recordsSize(res) + 256);
  w.int32(res.throttleTimeMs);
  if (version >= 7) w.int16(res.errorCode).int32(res.sessionId);
  w.array(res.responses, (w, t) => {
    w.string(t.topic);
    w.array(t.partitions, (w, p) => {
      w.int32(p.partitionIndex).int16(p.errorCode).int64(p.highWatermark).int64(p.lastStableOffset);
      if (version >= 5) w.int64(p.logStartOffset);
      w.array(p.abortedTransactions, (w, a) => {
        w.int64(a.producerId).int64(a.firstOffset);
      });
      if (version >= 11) w.int32(p.preferredReadReplica);
      w.nullableBytes(p.records);
    });
  });
  return w.toBuffer();
}

export function fetchErrorResponse(_version: number, req: FetchRequest, errorCode: number): FetchResponse {
  return {
    throttleTimeMs: 0,
    errorCode,
    sessionId: 0,
    responses: req.topics.map((t) => ({
      topic: t.topic,
      partitions: t.partitions.map((p) => ({
        partitionIndex: p.partition,
        errorCode,
        highWatermark: -1n,
        lastStableOffset: -1n,
        logStartOffset: -1n,
        abortedTransactions: null,
        preferredReadReplica: -1,
        records: null,
      })),
    })),
  };
}
