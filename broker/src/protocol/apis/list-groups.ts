/**
 * ListGroups (key 16), versions 0–2.
 *
 * ListGroups Request (Version: 0–2) => (empty)
 *
 * ListGroups Response (Version: 0) => error_code [groups]
 *   error_code => INT16
 *   groups => group_id protocol_type
 *     group_id => STRING
 *     protocol_type => STRING
 * v1–2: throttle_time_ms (INT32) first.
 */
import { Writer, type Reader } from '../codec.ts';

/** Versions 0–2 carry no fields. */
export type ListGroupsRequest = Record<string, never>;

export interface ListedGroup {
  groupId: string;
  protocolType: string;
}

export interface ListGroupsResponse {
  /** v1+. */
  throttleTimeMs: number;
  errorCode: number;
  groups: ListedGroup[];
}

export function decodeListGroupsRequest(_version: number, _r: Reader): ListGroupsRequest {
  return {};
}

export function encodeListGroupsResponse(version: number, res: ListGroupsResponse): Buffer {
  const w = new Writer(256);
  if (version >= 1) w.int32(res.throttleTimeMs);
  w.int16(res.errorCode);
  w.array(res.groups, (w, g) => {
    w.string(g.groupId).string(g.protocolType);
  });
  return w.toBuffer();
}

export function listGroupsErrorResponse(
  _version: number,
  _req: ListGroupsRequest,
  errorCode: number,
): ListGroupsResponse {
  return { throttleTimeMs: 0, errorCode, groups: [] };
}
