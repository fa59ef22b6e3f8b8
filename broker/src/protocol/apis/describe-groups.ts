/**
 * DescribeGroups (key 15), versions 0–2.
 *
 * DescribeGroups Request (Version: 0–2) => [groups]
 *   groups => STRING
 *
 * DescribeGroups Response (Version: 0) => [groups]
 *   groups => error_code group_id group_state protocol_type protocol_data [members]
 *     error_code => INT16
 *     group_id => STRING
 *     group_state => STRING (Empty, PreparingRebalance, CompletingRebalance, Stable, Dead)
 *     protocol_type => STRING
 *     protocol_data => STRING (the chosen protocol's name)
 *     members => member_id client_id client_host member_metadata member_assignment
 *       member_id => STRING
 *       client_id => STRING
 *       client_host => STRING
 *       member_metadata => BYTES
 *       member_assignment => BYTES
 * v1–2: throttle_time_ms (INT32) first.
 */
import { Writer, type Reader } from '../codec.ts';

export interface DescribeGroupsRequest {
  groups: string[];
}

export interface DescribedGroupMember {
  memberId: string;
  clientId: string;
  clientHost: string;
  memberMetadata: Buffer;
  memberAssignment: Buffer;
}

export interface DescribedGroup {
  errorCode: number;
  groupId: string;
  groupState: string;
  protocolType: string;
  protocolData: string;
  members: DescribedGroupMember[];
}

export interface DescribeGroupsResponse {
  /** v1+. */
  throttleTimeMs: number;
  groups: DescribedGroup[];
}

export function decodeDescribeGroupsRequest(_version: number, r: Reader): DescribeGroupsRequest {
  return { groups: r.nonNullArray((r) => r.string()) };
}

export function encodeDescribeGroupsResponse(version: number, res: DescribeGroupsResponse): Buffer {
  const w = new Writer(512);
  if (version >= 1) w.int32(res.throttleTimeMs);
  w.array(res.groups, (w, g) => {
    w.int16(g.errorCode).string(g.groupId).string(g.groupState).string(g.protocolType).string(g.protocolData);
    w.array(g.members, (w, m) => {
      w.string(m.memberId).string(m.clientId).string(m.clientHost).bytes(m.memberMetadata).bytes(m.memberAssignment);
    });
  });
  return w.toBuffer();
}

export function describeGroupsErrorResponse(_version: number, req: DescribeGroupsRequest, errorCode: number): DescribeGroupsResponse {
  return {
    throttleTimeMs: 0,
    groups: req.groups.map((groupId) => ({
      errorCode,
      groupId,
      groupState: '',
      protocolType: '',
      protocolData: '',
      members: [],
    })),
  };
}
