/**
 * InitProducerId (key 22), versions 0–1.
 *
 * InitProducerId Request (Version: 0–1) => transactional_id transaction_timeout_ms
 *   transactional_id => NULLABLE_STRING (null for an idempotent, non-transactional producer)
 *   transaction_timeout_ms => INT32
 *
 * InitProducerId Response (Version: 0–1) => throttle_time_ms error_code producer_id producer_epoch
 *   throttle_time_ms => INT32
 *   error_code => INT16
 *   producer_id => INT64
 *   producer_epoch => INT16
 */
import { Writer, type Reader } from '../codec.ts';

export interface InitProducerIdRequest {
  transactionalId: string | null;
  transactionTimeoutMs: number;
}

export interface InitProducerIdResponse {
  throttleTimeMs: number;
  errorCode: number;
  producerId: bigint;
  producerEpoch: number;
}

export function decodeInitProducerIdRequest(_version: number, r: Reader): InitProducerIdRequest {
  const transactionalId = r.nullableString();
  const transactionTimeoutMs = r.int32();
  return { transactionalId, transactionTimeoutMs };
}

export function encodeInitProducerIdResponse(_version: number, res: InitProducerIdResponse): Buffer {
  return new Writer(16).int32(res.throttleTimeMs).int16(res.errorCode).int64(res.producerId).int16(res.producerEpoch).toBuffer();
}

export function initProducerIdErrorResponse(_version: number, _req: InitProducerIdRequest, errorCode: number): InitProducerIdResponse {
  return { throttleTimeMs: 0, errorCode, producerId: -1n, producerEpoch: -1 };
}
