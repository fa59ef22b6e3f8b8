/**
 * Heartbeat (key 12), versions 0–3.
 *
 * Heartbeat Request (Version: 0–2) => group_id generation_id member_id
 *   group_id => STRING
 *   generation_id => INT32
 *   member_id => STRING
 * v3: group_instance_id (NULLABLE_STRING) after member_id.
 *
 * Heartbeat Response (Version: 0) => error_code
 *   error_code => INT16
 * v1–3: throttle_time_ms (INT32) first.
 */
import { Writer, type Reader } from '../codec.ts';

export interface HeartbeatRequest {
  groupId: string;
  generationId: number;
  memberId: string;
  /** v3+; null below. */
  groupInstanceId: string | null;
}

export interface HeartbeatResponse {
  /** v1+. */
  throttleTimeMs: number;
  errorCode: number;
}

export function decodeHeartbeatRequest(version: number, r: Reader): HeartbeatRequest {
  const groupId = r.string();
  const generationId = r.int32();
  const memberId = r.string();
  const groupInstanceId = version >= 3 ? r.nullableString() : null;
  return { groupId, generationId, memberId, groupInstanceId };
}

export function encodeHeartbeatResponse(version: number, res: HeartbeatResponse): Buffer {
  const w = new Writer(8);
  if (version >= 1) w.int32(res.throttleTimeMs);
  w.int16(res.errorCode);
  return w.toBuffer();
}

export function heartbeatErrorResponse(_version: number, _req: HeartbeatRequest, errorCode: number): HeartbeatResponse {
  return { throttleTimeMs: 0, errorCode };
}
