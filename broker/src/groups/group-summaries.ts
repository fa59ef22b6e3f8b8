import { ErrorCode } from '../protocol/error-codes.ts';
import type { DescribedGroup, ListGroupsResult } from './group-api-types.ts';
import type { Group } from './group.ts';
import { NO_BYTES } from './responses.ts';

/**
 * DescribeGroups for one group, as Kafka summarises it: member metadata and assignments only
 * while Stable; a group known only through committed offsets is Empty; an unknown one is Dead.
 */
export function describeGroup(groupId: string, group: Group | undefined, hasCommittedOffsets: boolean): DescribedGroup {
  if (!group) {
    return {
      errorCode: ErrorCode.NONE,
      groupId,
      groupState: hasCommittedOffsets ? 'Empty' : 'Dead',
      protocolType: '',
      protocolData: '',
      members: [],
    };
  }
  const stableProtocol = group.state === 'Stable' ? group.protocolName : null;
  return {
    errorCode: ErrorCode.NONE,
    groupId,
    groupState: group.state,
    protocolType: group.protocolType ?? '',
    protocolData: stableProtocol ?? '',
    members: [...group.members.values()].map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      clientId: m.clientId,
      clientHost: m.clientHost,
      memberMetadata: stableProtocol === null ? NO_BYTES : m.metadataFor(stableProtocol),
      memberAssignment: stableProtocol === null ? NO_BYTES : m.assignment,
    })),
  };
}

/**
 * Groups with membership state first, then groups known only through committed offsets (Empty,
 * as Kafka lists a group it loaded from its offsets topic).
 */
export function listGroups(groups: Iterable<Group>, groupsWithOffsets: Iterable<string>): ListGroupsResult {
  const listed = new Map<string, ListGroupsResult['groups'][number]>();
  for (const group of groups) listed.set(group.groupId, { groupId: group.groupId, protocolType: group.protocolType ?? '', groupState: group.state });
  for (const groupId of groupsWithOffsets) if (!listed.has(groupId)) listed.set(groupId, { groupId, protocolType: '', groupState: 'Empty' });
  return { errorCode: ErrorCode.NONE, groups: [...listed.values()] };
}
