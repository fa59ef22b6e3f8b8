import type { GroupState, JoinGroupMember, JoinGroupResult } from './group-api-types.ts';
import type { GroupMember } from './group-member.ts';
import { ErrorCode } from '../protocol/error-codes.ts';
import { commonProtocols, selectProtocol } from './protocol-selection.ts';
import { NO_BYTES } from './responses.ts';

const VALID_PREVIOUS_STATES: Record<GroupState, readonly GroupState[]> = {
  Empty: ['PreparingRebalance'],
  PreparingRebalance: ['Stable', 'CompletingRebalance', 'Empty'],
  CompletingRebalance: ['PreparingRebalance'],
  Stable: ['CompletingRebalance'],
  Dead: ['Empty', 'PreparingRebalance', 'CompletingRebalance', 'Stable', 'Dead'],
};

/**
 * The membership state of one consumer group (Kafka's GroupMetadata): no timers and no I/O,
 * the coordinator drives it. Members keep their join order, which decides the next leader.
 */
export class Group {
  state: GroupState = 'Empty';
  generationId = 0;
  /** Set by the first member and kept while the group exists, as Kafka does. */
  protocolType: string | null = null;
  protocolName: string | null = null;
  leaderId: string | null = null;
  readonly members = new Map<string, GroupMember>();
  /** Member ids handed out with MEMBER_ID_REQUIRED whose owners have not joined yet. */
  readonly pendingMemberIds = new Set<string>();

  constructor(readonly groupId: string) {}

  transitionTo(next: GroupState): void {
    if (!VALID_PREVIOUS_STATES[next].includes(this.state)) {
      throw new Error(`group ${this.groupId}: illegal transition ${this.state} -> ${next}`);
    }
    this.state = next;
  }

  get canRebalance(): boolean {
    return VALID_PREVIOUS_STATES.PreparingRebalance.includes(this.state);
  }

  get(memberId: string): GroupMember | undefined {
    return this.members.get(memberId);
  }

  memberWithInstanceId(groupInstanceId: string): GroupMember | undefined {
    for (const member of this.members.values()) {
      if (member.groupInstanceId === groupInstanceId) return member;
    }
    return undefined;
  }

  /** A request naming a static instance that now belongs to another member id. */
  isFenced(memberId: string, groupInstanceId: string | null | undefined): boolean {
    if (groupInstanceId == null) return false;
    const owner = this.memberWithInstanceId(groupInstanceId);
    return owner !== undefined && owner.memberId !== memberId;
  }

  add(member: GroupMember): void {
    if (this.members.size === 0) this.protocolType = member.protocolType;
    this.members.set(member.memberId, member);
    this.pendingMemberIds.delete(member.memberId);
    this.leaderId ??= member.memberId;
  }

  remove(memberId: string): void {
    this.members.delete(memberId);
    if (this.leaderId === memberId) this.leaderId = this.members.keys().next().value ?? null;
  }

  isLeader(memberId: string): boolean {
    return this.leaderId === memberId;
  }

  /** Whether a member with this protocol type and these protocol names may join (Kafka's rule). */
  supportsProtocols(protocolType: string, protocolNames: readonly string[]): boolean {
    if (this.members.size === 0) return protocolType !== '' && protocolNames.length > 0;
    if (protocolType !== this.protocolType) return false;
    const supportedByAll = commonProtocols([...this.members.values()]);
    return protocolNames.some((name) => supportedByAll.includes(name));
  }

  /** Every member has a held JoinGroup and no handed-out member id is still to come back. */
  get hasAllMembersJoined(): boolean {
    return this.pendingMemberIds.size === 0 && [...this.members.values()].every((m) => m.isAwaitingJoin);
  }

  notYetRejoinedMembers(): GroupMember[] {
    return [...this.members.values()].filter((m) => !m.isAwaitingJoin);
  }

  /** How long a rebalance waits for members to rejoin: the longest any member asked for. */
  get rebalanceTimeoutMs(): number {
    let longest = 0;
    for (const member of this.members.values()) longest = Math.max(longest, member.rebalanceTimeoutMs);
    return longest;
  }

  /** Keeps the leader if it rejoined, otherwise hands leadership to the first member that did. */
  electJoinedLeader(): void {
    const leader = this.leaderId === null ? undefined : this.members.get(this.leaderId);
    if (leader?.isAwaitingJoin) return;
    const joined = [...this.members.values()].find((m) => m.isAwaitingJoin);
    this.leaderId = joined?.memberId ?? null;
  }

  /** Ends PreparingRebalance: next generation, chosen protocol, CompletingRebalance (or Empty). */
  initNextGeneration(): void {
    this.generationId += 1;
    if (this.members.size === 0) {
      this.protocolName = null;
      this.transitionTo('Empty');
      return;
    }
    const leader = this.leaderId === null ? undefined : this.members.get(this.leaderId);
    const byPreference = leader ? [leader, ...[...this.members.values()].filter((m) => m !== leader)] : [...this.members.values()];
    this.protocolName = selectProtocol(byPreference);
    this.transitionTo('CompletingRebalance');
  }

  joinResponseFor(member: GroupMember): JoinGroupResult {
    return {
      errorCode: ErrorCode.NONE,
      generationId: this.generationId,
      protocolName: this.protocolName ?? '',
      leader: this.leaderId ?? '',
      memberId: member.memberId,
      members: this.isLeader(member.memberId) ? this.currentMemberMetadata() : [],
    };
  }

  private currentMemberMetadata(): JoinGroupMember[] {
    const protocolName = this.protocolName;
    if (protocolName === null) return [];
    return [...this.members.values()].map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      metadata: m.metadataFor(protocolName),
    }));
  }

  /** Stores the leader's assignments (missing members get none) and answers every held SyncGroup. */
  setAndPropagateAssignment(assignments: ReadonlyMap<string, Buffer>): GroupMember[] {
    for (const member of this.members.values()) member.assignment = assignments.get(member.memberId) ?? NO_BYTES;
    this.transitionTo('Stable');
    return this.propagateAssignment(ErrorCode.NONE);
  }

  /** Forgets the assignments and answers every held SyncGroup with an error. */
  resetAndPropagateAssignmentError(errorCode: number): GroupMember[] {
    for (const member of this.members.values()) member.resetAssignment();
    return this.propagateAssignment(errorCode);
  }

  private propagateAssignment(errorCode: number): GroupMember[] {
    return [...this.members.values()].filter((m) => m.answerSync({ errorCode, assignment: m.assignment }));
  }
}
