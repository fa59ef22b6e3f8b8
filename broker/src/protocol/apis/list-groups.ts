/**
 * ListGroups (key 16), versions 0–5 (3+ flexible).
 *
 * ListGroups Request (Version: 0–2) => (empty)
 * ListGroups Request (Version: 3) => TAG_BUFFER
 * ListGroups Request (Version: 4) => [states_filter] TAG_BUFFER
 *   states_filter => COMPACT_STRING (empty: every state)
 * ListGroups Request (Version: 5) => [states_filter] [types_filter] TAG_BUFFER
 *   types_filter => COMPACT_STRING (empty: every type)
 *
 * ListGroups Response (Version: 0) => error_code [groups]
 *   error_code => INT16
 *   groups => group_id protocol_type
 *     group_id => STRING
 *     protocol_type => STRING
 * v1–2: throttle_time_ms (INT32) first.
 * v3: compact strings and arrays, TAG_BUFFER after each group and at the end.
 * v4: each group gets group_state (COMPACT_STRING) after protocol_type.
 * v5: each group gets group_type (COMPACT_STRING) after group_state.
 */
import { Writer, type Reader } from '../codec.ts';

const FIRST_FLEXIBLE_VERSION = 3;

export interface ListGroupsRequest {
  /** v4+; [] (every state) below. */
  statesFilter: string[];
  /** v5+; [] (every type) below. */
  typesFilter: string[];
}

export interface ListedGroup {
  groupId: string;
  protocolType: string;
  /** v4+. */
  groupState: string;
  /** v5+: "classic" for every group of this broker. */
  groupType: string;
}

export interface ListGroupsResponse {
  /** v1+. */
  throttleTimeMs: number;
  errorCode: number;
  groups: ListedGroup[];
}

export function decodeListGroupsRequest(version: number, r: Reader): ListGroupsRequest {
  if (version < FIRST_FLEXIBLE_VERSION) return { statesFilter: [], typesFilter: [] };
  const statesFilter = version >= 4 ? (r.compactArray((r) => r.compactString()) ?? []) : [];
  const typesFilter = version >= 5 ? (r.compactArray((r) => r.compactString()) ?? []) : [];
  r.skipTaggedFields();
  return { statesFilter, typesFilter };
}

export function encodeListGroupsResponse(version: number, res: ListGroupsResponse): Buffer {
  const w = new Writer(256);
  if (version >= 1) w.int32(res.throttleTimeMs);
  w.int16(res.errorCode);
  if (version < FIRST_FLEXIBLE_VERSION) {
    w.array(res.groups, (w, g) => {
      w.string(g.groupId).string(g.protocolType);
    });
    return w.toBuffer();
  }
  w.compactArray(res.groups, (w, g) => {
    w.compactString(g.groupId).compactString(g.protocolType);
    if (version >= 4) w.compactString(g.groupState);
    if (version >= 5) w.compactString(g.groupType);
    w.emptyTaggedFields();
  });
  w.emptyTaggedFields();
  return w.toBuffer();
}

export function listGroupsErrorResponse(_version: number, _req: ListGroupsRequest, errorCode: number): ListGroupsResponse {
  return { throttleTimeMs: 0, errorCode, groups: [] };
}
