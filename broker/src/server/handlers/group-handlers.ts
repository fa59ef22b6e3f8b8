// The consumer-group APIs, mapped one to one onto the group coordinator.
import type { DescribeGroupsRequest, DescribeGroupsResponse } from '../../protocol/apis/describe-groups.ts';
import type { HeartbeatRequest, HeartbeatResponse } from '../../protocol/apis/heartbeat.ts';
import type { JoinGroupRequest, JoinGroupResponse } from '../../protocol/apis/join-group.ts';
import type { LeaveGroupRequest, LeaveGroupResponse } from '../../protocol/apis/leave-group.ts';
import type { ListGroupsRequest, ListGroupsResponse } from '../../protocol/apis/list-groups.ts';
import type { OffsetCommitRequest, OffsetCommitResponse } from '../../protocol/apis/offset-commit.ts';
import type { OffsetFetchRequest, OffsetFetchResponse } from '../../protocol/apis/offset-fetch.ts';
import type { SyncGroupRequest, SyncGroupResponse } from '../../protocol/apis/sync-group.ts';
import type { BrokerContext, RequestClient } from '../broker-context.ts';

export async function joinGroup(ctx: BrokerContext, version: number, req: JoinGroupRequest, client: RequestClient): Promise<JoinGroupResponse> {
  const res = await ctx.groups.joinGroup(version, { ...req, clientId: client.clientId, clientHost: client.clientHost });
  return { throttleTimeMs: 0, ...res };
}

export async function syncGroup(ctx: BrokerContext, version: number, req: SyncGroupRequest): Promise<SyncGroupResponse> {
  return { throttleTimeMs: 0, ...(await ctx.groups.syncGroup(version, req)) };
}

export function heartbeat(ctx: BrokerContext, version: number, req: HeartbeatRequest): HeartbeatResponse {
  return { throttleTimeMs: 0, ...ctx.groups.heartbeat(version, req) };
}

export function leaveGroup(ctx: BrokerContext, version: number, req: LeaveGroupRequest): LeaveGroupResponse {
  const res = ctx.groups.leaveGroup(version, version >= 3 ? { groupId: req.groupId, members: req.members } : { groupId: req.groupId, memberId: req.memberId });
  return { throttleTimeMs: 0, errorCode: res.errorCode, members: res.members ?? [] };
}

export function offsetCommit(ctx: BrokerContext, version: number, req: OffsetCommitRequest): OffsetCommitResponse {
  return { throttleTimeMs: 0, ...ctx.groups.commitOffsets(version, { ...req, retentionTimeMs: Number(req.retentionTimeMs) }) };
}

export function offsetFetch(ctx: BrokerContext, version: number, req: OffsetFetchRequest): OffsetFetchResponse {
  return { throttleTimeMs: 0, ...ctx.groups.fetchOffsets(version, req) };
}

export function describeGroups(ctx: BrokerContext, req: DescribeGroupsRequest): DescribeGroupsResponse {
  return { throttleTimeMs: 0, ...ctx.groups.describeGroups(req.groups) };
}

/** Every group is a classic one: the broker has no KIP-848 consumer groups. */
const GROUP_TYPE = 'classic';

/** Kafka matches state and type filters without regard to case. */
function matchesFilter(filter: string[], value: string): boolean {
  return filter.length === 0 || filter.some((wanted) => wanted.toLowerCase() === value.toLowerCase());
}

export function listGroups(ctx: BrokerContext, req: ListGroupsRequest): ListGroupsResponse {
  const { errorCode, groups } = ctx.groups.listGroups();
  return {
    throttleTimeMs: 0,
    errorCode,
    groups: groups
      .filter((g) => matchesFilter(req.statesFilter, g.groupState) && matchesFilter(req.typesFilter, GROUP_TYPE))
      .map((g) => ({ ...g, groupType: GROUP_TYPE })),
  };
}
