/**
 * What the group coordinator is called with (…Call) and answers (…Result) for each group API, with
 * the field names of the Kafka protocol guide in camelCase, so the server maps decoded requests onto
 * the coordinator one to one. Named apart from the wire types they mirror (protocol/apis/*.ts:
 * JoinGroupRequest, JoinGroupResponse, ...), which carry versions and encodings these do not.
 */

export type GroupState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead';

export interface GroupProtocol {
  name: string;
  metadata: Buffer;
}

export interface JoinGroupCall {
  groupId: string;
  sessionTimeoutMs: number;
  /** v1+; ignored for v0, where the session timeout is used. */
  rebalanceTimeoutMs: number;
  memberId: string;
  /** v5+; ignored before. */
  groupInstanceId: string | null;
  protocolType: string;
  protocols: GroupProtocol[];
  clientId: string;
  clientHost: string;
}

export interface JoinGroupMember {
  memberId: string;
  groupInstanceId: string | null;
  metadata: Buffer;
}

export interface JoinGroupResult {
  errorCode: number;
  generationId: number;
  protocolName: string;
  leader: string;
  memberId: string;
  members: JoinGroupMember[];
}

export interface SyncGroupCall {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
  assignments: { memberId: string; assignment: Buffer }[];
}

export interface SyncGroupResult {
  errorCode: number;
  assignment: Buffer;
}

export interface HeartbeatCall {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
}

export interface HeartbeatResult {
  errorCode: number;
}

export interface MemberIdentity {
  memberId: string;
  groupInstanceId: string | null;
}

export interface LeaveGroupCall {
  groupId: string;
  /** v0–2: the single leaving member. */
  memberId?: string;
  /** v3+: a batch of leaving members. */
  members?: MemberIdentity[];
}

export interface LeaveGroupResult {
  errorCode: number;
  /** v3+ only. */
  members?: (MemberIdentity & { errorCode: number })[];
}

export interface OffsetCommitCall {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId?: string | null;
  /** Accepted and ignored: committed offsets never expire in this broker. */
  retentionTimeMs?: number;
  topics: {
    name: string;
    partitions: { partitionIndex: number; committedOffset: bigint; committedMetadata: string | null }[];
  }[];
}

export interface OffsetCommitResult {
  topics: { name: string; partitions: { partitionIndex: number; errorCode: number }[] }[];
}

export interface OffsetFetchCall {
  groupId: string;
  /** null (v2+) asks for every committed offset of the group. */
  topics: { name: string; partitionIndexes: number[] }[] | null;
}

export interface OffsetFetchPartition {
  partitionIndex: number;
  /** -1 when nothing is committed. */
  committedOffset: bigint;
  metadata: string | null;
  errorCode: number;
}

export interface OffsetFetchResult {
  errorCode: number;
  topics: { name: string; partitions: OffsetFetchPartition[] }[];
}

export interface DescribedMember {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  memberMetadata: Buffer;
  memberAssignment: Buffer;
}

export interface DescribedGroup {
  errorCode: number;
  groupId: string;
  groupState: GroupState;
  protocolType: string;
  /** The chosen protocol (assignor) name while Stable, '' otherwise. */
  protocolData: string;
  members: DescribedMember[];
}

export interface DescribeGroupsResult {
  groups: DescribedGroup[];
}

export interface ListGroupsResult {
  errorCode: number;
  groups: { groupId: string; protocolType: string; groupState: GroupState }[];
}
