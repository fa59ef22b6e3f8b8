/**
 * FindCoordinator (key 10), versions 0–2.
 *
 * FindCoordinator Request (Version: 0) => key
 *   key => STRING
 * FindCoordinator Request (Version: 1–2) => key key_type
 *   key_type => INT8 (0 group, 1 transaction)
 *
 * FindCoordinator Response (Version: 0) => error_code node_id host port
 *   error_code => INT16
 *   node_id => INT32
 *   host => STRING
 *   port => INT32
 * FindCoordinator Response (Version: 1–2) => throttle_time_ms error_code error_message node_id host port
 *   throttle_time_ms => INT32
 *   error_message => NULLABLE_STRING
 */
import { Writer, type Reader } from '../codec.ts';

export interface FindCoordinatorRequest {
  key: string;
  /** v1+; 0 (group) below. */
  keyType: number;
}

export interface FindCoordinatorResponse {
  /** v1+. */
  throttleTimeMs: number;
  errorCode: number;
  /** v1+. */
  errorMessage: string | null;
  nodeId: number;
  host: string;
  port: number;
}

export function decodeFindCoordinatorRequest(version: number, r: Reader): FindCoordinatorRequest {
  const key = r.string();
  const keyType = version >= 1 ? r.int8() : 0;
  return { key, keyType };
}

export function encodeFindCoordinatorResponse(version: number, res: FindCoordinatorResponse): Buffer {
  const w = new Writer(64 + res.host.length);
  if (version >= 1) w.int32(res.throttleTimeMs);
  w.int16(res.errorCode);
  if (version >= 1) w.nullableString(res.errorMessage);
  w.int32(res.nodeId).string(res.host).int32(res.port);
  return w.toBuffer();
}

export function findCoordinatorErrorResponse(_version: number, _req: FindCoordinatorRequest, errorCode: number): FindCoordinatorResponse {
  return { throttleTimeMs: 0, errorCode, errorMessage: null, nodeId: -1, host: '', port: -1 };
}
