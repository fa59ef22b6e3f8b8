/**
 * Produce (key 0), versions 3–7. Versions 3 to 7 share one request layout; the response gains
 * log_start_offset in v5. (v4 adds a storage error, v6 throttling order, v7 ZStandard.)
 *
 * Produce Request (Version: 3–7) => transactional_id acks timeout_ms [topic_data]
 *   transactional_id => NULLABLE_STRING
 *   acks => INT16
 *   timeout_ms => INT32
 *   topic_data => name [partition_data]
 *     name => STRING
 *     partition_data => index records
 *       index => INT32
 *       records => RECORDS (NULLABLE_BYTES holding record batches)
 *
 * Produce Response (Version: 3–4) => [responses] throttle_time_ms
 *   responses => name [partition_responses]
 *     name => STRING
 *     partition_responses => index error_code base_offset log_append_time_ms
 *       index => INT32
 *       error_code => INT16
 *       base_offset => INT64
 *       log_append_time_ms => INT64
 *   throttle_time_ms => INT32
 * Produce Response (Version: 5–7) => same, each partition response ends with log_start_offset
 *   log_start_offset => INT64
 *
 * The records stay raw bytes: the broker stores batches without decoding them.
 * With acks = 0 the client expects no response at all; that is the server's call.
 */
import { Writer, type Reader } from '../codec.ts';

export interface ProducePartitionData {
  index: number;
  /** Record batches exactly as the client sent them (shares memory with the request frame). */
  records: Buffer | null;
}

export interface ProduceTopicData {
  name: string;
  partitionData: ProducePartitionData[];
}

export interface ProduceRequest {
  transactionalId: string | null;
  acks: number;
  timeoutMs: number;
  topicData: ProduceTopicData[];
}

export interface ProducePartitionResponse {
  index: number;
  errorCode: number;
  baseOffset: bigint;
  /** -1 for CreateTime topics. */
  logAppendTimeMs: bigint;
  /** v5+. */
  logStartOffset: bigint;
}

export interface ProduceTopicResponse {
  name: string;
  partitionResponses: ProducePartitionResponse[];
}

export interface ProduceResponse {
  responses: ProduceTopicResponse[];
  throttleTimeMs: number;
}

export function decodeProduceRequest(_version: number, r: Reader): ProduceRequest {
  const transactionalId = r.nullableString();
  const acks = r.int16();
  const timeoutMs = r.int32();
  const topicData = r.nonNullArray((r) => ({
    name: r.string(),
    partitionData: r.nonNullArray((r) => ({ index: r.int32(), records: r.nullableBytes() })),
  }));
  return { transactionalId, acks, timeoutMs, topicData };
}

export function encodeProduceResponse(version: number, res: ProduceResponse): Buffer {
  const w = new Writer(256);
  w.array(res.responses, (w, t) => {
    w.string(t.name);
    w.array(t.partitionResponses, (w, p) => {
      w.int32(p.index).int16(p.errorCode).int64(p.baseOffset).int64(p.logAppendTimeMs);
      if (version >= 5) w.int64(p.logStartOffset);
    });
  });
  w.int32(res.throttleTimeMs);
  return w.toBuffer();
}

export function produceErrorResponse(_version: number, req: ProduceRequest, errorCode: number): ProduceResponse {
  return {
    responses: req.topicData.map((t) => ({
      name: t.name,
      partitionResponses: t.partitionData.map((p) => ({
        index: p.index,
        errorCode,
        baseOffset: -1n,
        logAppendTimeMs: -1n,
        logStartOffset: -1n,
      })),
    })),
    throttleTimeMs: 0,
  };
}
