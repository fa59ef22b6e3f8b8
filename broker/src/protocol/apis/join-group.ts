/**
 * JoinGroup (key 11), versions 0–5.
 *
 * JoinGroup Request (Version: 0) => group_id session_timeout_ms member_id protocol_type [protocols]
 *   group_id => STRING
 *   session_timeout_ms => INT32
 *   member_id => STRING
 *   protocol_type => STRING
 *   protocols => name metadata
 *     name => STRING
 *     metadata => BYTES
 * v1–4: rebalance_timeout_ms (INT32) after session_timeout_ms.
 * v5: group_instance_id (NULLABLE_STRING) after member_id.
 *
 * JoinGroup Response (Version: 0–1) => error_code generation_id protocol_name leader member_id [members]
 *   error_code => INT16
 *   generation_id => INT32
 *   protocol_name => STRING
 *   leader => STRING
 *   member_id => STRING
 *   members => member_id metadata
 *     member_id => STRING
 *     metadata => BYTES
 * v2–4: throttle_time_ms (INT32) first.
 * v5: each member gets group_instance_id (NULLABLE_STRING) after member_id.
 * (v4+: an empty member id is answered MEMBER_ID_REQUIRED with the new id in member_id.)
 */
import { Writer, type Reader } from '../codec.ts';

export interface JoinGroupRequestProtocol {
  name: string;
  metadata: Buffer;
}

export interface JoinGroupRequest {
  groupId: string;
  sessionTimeoutMs: number;
  /** v1+; equal to sessionTimeoutMs in v0 (the protocol's rule for a missing value). */
  rebalanceTimeoutMs: number;
  memberId: string;
  /** v5+; null below. */
  groupInstanceId: string | null;
  protocolType: string;
  protocols: JoinGroupRequestProtocol[];
}

export interface JoinGroupResponseMember {
  memberId: string;
  /** v5+. */
  groupInstanceId: string | null;
  metadata: Buffer;
}

export interface JoinGroupResponse {
  /** v2+. */
  throttleTimeMs: number;
  errorCode: number;
  generationId: number;
  protocolName: string;
  leader: string;
  memberId: string;
  /** Filled for the leader only; [] for followers. */
  members: JoinGroupResponseMember[];
}

export function decodeJoinGroupRequest(version: number, r: Reader): JoinGroupRequest {
  const groupId = r.string();
  const sessionTimeoutMs = r.int32();
  const rebalanceTimeoutMs = version >= 1 ? r.int32() : sessionTimeoutMs;
  const memberId = r.string();
  const groupInstanceId = version >= 5 ? r.nullableString() : null;
  const protocolType = r.string();
  const protocols = r.nonNullArray((r) => ({ name: r.string(), metadata: r.bytes() }));
  return { groupId, sessionTimeoutMs, rebalanceTimeoutMs, memberId, groupInstanceId, protocolType, protocols };
}

export function encodeJoinGroupResponse(version: number, res: JoinGroupResponse): Buffer {
  const w = new Writer(256);
  if (version >= 2) w.int32(res.throttleTimeMs);
  w.int16(res.errorCode).int32(res.generationId).string(res.protocolName).string(res.leader).string(res.memberId);
  w.array(res.members, (w, m) => {
    w.string(m.memberId);
    if (version >= 5) w.nullableString(m.groupInstanceId);
    w.bytes(m.metadata);
  });
  return w.toBuffer();
}

export function joinGroupErrorResponse(_version: number, req: JoinGroupRequest, errorCode: number): JoinGroupResponse {
  return {
    throttleTimeMs: 0,
    errorCode,
    generationId: -1,
    protocolName: '',
    leader: '',
    memberId: req.memberId,
    members: [],
  };
}
