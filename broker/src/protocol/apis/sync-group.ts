/**
 * SyncGroup (key 14), versions 0–3.
 *
 * SyncGroup Request (Version: 0–2) => group_id generation_id member_id [assignments]
 *   group_id => STRING
 *   generation_id => INT32
 *   member_id => STRING
 *   assignments => member_id assignment
 *     member_id => STRING
 *     assignment => BYTES
 * v3: group_instance_id (NULLABLE_STRING) after member_id.
 *
 * SyncGroup Response (Version: 0) => error_code assignment
 *   error_code => INT16
 *   assignment => BYTES
 * v1–3: throttle_time_ms (INT32) first.
 */
import { Writer, type Reader } from '../codec.ts';

export interface SyncGroupRequestAssignment {
  memberId: string;
  assignment: Buffer;
}

export interface SyncGroupRequest {
  groupId: string;
  generationId: number;
  memberId: string;
  /** v3+; null below. */
  groupInstanceId: string | null;
  /** Sent by the leader only; [] from followers. */
  assignments: SyncGroupRequestAssignment[];
}

export interface SyncGroupResponse {
  /** v1+. */
  throttleTimeMs: number;
  errorCode: number;
  assignment: Buffer;
}

export function decodeSyncGroupRequest(version: number, r: Reader): SyncGroupRequest {
  const groupId = r.string();
  const generationId = r.int32();
  const memberId = r.string();
  const groupInstanceId = version >= 3 ? r.nullableString() : null;
  const assignments = r.nonNullArray((r) => ({ memberId: r.string(), assignment: r.bytes() }));
  return { groupId, generationId, memberId, groupInstanceId, assignments };
}

export function encodeSyncGroupResponse(version: number, res: SyncGroupResponse): Buffer {
  const w = new Writer(16 + res.assignment.length);
  if (version >= 1) w.int32(res.throttleTimeMs);
  w.int16(res.errorCode).bytes(res.assignment);
  return w.toBuffer();
}

export function syncGroupErrorResponse(_version: number, _req: SyncGroupRequest, errorCode: number): SyncGroupResponse {
  return { throttleTimeMs: 0, errorCode, assignment: Buffer.alloc(0) };
}
