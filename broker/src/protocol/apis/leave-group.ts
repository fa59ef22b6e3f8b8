/**
 * LeaveGroup (key 13), versions 0–3.
 *
 * LeaveGroup Request (Version: 0–2) => group_id member_id
 *   group_id => STRING
 *   member_id => STRING
 * LeaveGroup Request (Version: 3) => group_id [members]
 *   members => member_id group_instance_id
 *     member_id => STRING
 *     group_instance_id => NULLABLE_STRING
 *
 * LeaveGroup Response (Version: 0) => error_code
 *   error_code => INT16
 * LeaveGroup Response (Version: 1–2) => throttle_time_ms error_code
 *   throttle_time_ms => INT32
 * LeaveGroup Response (Version: 3) => throttle_time_ms error_code [members]
 *   members => member_id group_instance_id error_code
 *     member_id => STRING
 *     group_instance_id => NULLABLE_STRING
 *     error_code => INT16
 */
import { Writer, type Reader } from '../codec.ts';

export interface LeaveGroupMemberIdentity {
  memberId: string;
  groupInstanceId: string | null;
}

export interface LeaveGroupRequest {
  groupId: string;
  /** The v0–2 field; '' in v3. */
  memberId: string;
  /** The v3 field; in v0–2 it holds the single leaving member, so handlers can always use it. */
  members: LeaveGroupMemberIdentity[];
}

export interface LeaveGroupMemberResponse {
  memberId: string;
  groupInstanceId: string | null;
  errorCode: number;
}

export interface LeaveGroupResponse {
  /** v1+. */
  throttleTimeMs: number;
  errorCode: number;
  /** v3+. */
  members: LeaveGroupMemberResponse[];
}

export function decodeLeaveGroupRequest(version: number, r: Reader): LeaveGroupRequest {
  const groupId = r.string();
  if (version < 3) {
    const memberId = r.string();
    return { groupId, memberId, members: [{ memberId, groupInstanceId: null }] };
  }
  const members = r.nonNullArray((r) => ({ memberId: r.string(), groupInstanceId: r.nullableString() }));
  return { groupId, memberId: '', members };
}

export function encodeLeaveGroupResponse(version: number, res: LeaveGroupResponse): Buffer {
  const w = new Writer(64);
  if (version >= 1) w.int32(res.throttleTimeMs);
  w.int16(res.errorCode);
  if (version >= 3) {
    w.array(res.members, (w, m) => {
      w.string(m.memberId).nullableString(m.groupInstanceId).int16(m.errorCode);
    });
  }
  return w.toBuffer();
}

export function leaveGroupErrorResponse(version: number, req: LeaveGroupRequest, errorCode: number): LeaveGroupResponse {
  return {
    throttleTimeMs: 0,
    errorCode,
    members: version >= 3 ? req.members.map((m) => ({ ...m, errorCode })) : [],
  };
}
