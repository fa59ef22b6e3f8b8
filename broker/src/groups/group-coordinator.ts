import { randomUUID } from 'node:crypto';
import { ErrorCode } from '../protocol/error-codes.ts';
import type {
  DescribeGroupsResult,
  HeartbeatCall,
  HeartbeatResult,
  JoinGroupCall,
  JoinGroupResult,
  LeaveGroupCall,
  LeaveGroupResult,
  ListGroupsResult,
  MemberIdentity,
  OffsetCommitCall,
  OffsetCommitResult,
  OffsetFetchCall,
  OffsetFetchResult,
  SyncGroupCall,
  SyncGroupResult,
} from './group-api-types.ts';
import { GroupMember, type MemberSettings } from './group-member.ts';
import { describeGroup, listGroups } from './group-summaries.ts';
import { GroupTimers } from './group-timers.ts';
import { Group } from './group.ts';
import { fetchCommittedOffsets, rejectCommit, storeCommittedOffsets, type PartitionExists } from './offset-requests.ts';
import type { OffsetStorePort } from './offset-store-port.ts';
import { joinError, syncError } from './responses.ts';

/** Kafka's group.min.session.timeout.ms default; kafkajs (30 s) and librdkafka (45 s) fit. */
export const DEFAULT_MIN_SESSION_TIMEOUT_MS = 6_000;
/** Kafka's group.max.session.timeout.ms default. */
export const DEFAULT_MAX_SESSION_TIMEOUT_MS = 1_800_000;

export interface GroupCoordinatorOptions {
  /** Kafka's group.initial.rebalance.delay.ms: extra wait when a rebalance starts from Empty. */
  initialRebalanceDelayMs?: number;
  minSessionTimeoutMs?: number;
  maxSessionTimeoutMs?: number;
  now?: () => number;
  /** Commits to partitions this rejects get UNKNOWN_TOPIC_OR_PARTITION. */
  partitionExists?: PartitionExists;
}

/** The rebalance a group in PreparingRebalance is waiting to complete (Kafka's DelayedJoin). */
interface PendingRebalance {
  deadline: number;
  /** Started from Empty: hold completion until the initial delay has passed. */
  initialDelayActive: boolean;
  /** A member joined during the initial delay, so the delay is extended once more. */
  newMemberAdded: boolean;
}

/**
 * The consumer-group coordinator of the development broker: Kafka's join/sync/heartbeat/leave
 * state machine plus offset commit and fetch, independent of the wire protocol. Methods take the
 * request version where the semantics depend on it. JoinGroup and SyncGroup answers are held
 * (pending promises) until the rebalance step they wait for completes.
 */
export class GroupCoordinator {
  private readonly groups = new Map<string, Group>();
  private readonly pendingRebalances = new Map<string, PendingRebalance>();
  private readonly timers = new GroupTimers();
  private readonly initialRebalanceDelayMs: number;
  private readonly minSessionTimeoutMs: number;
  private readonly maxSessionTimeoutMs: number;
  private readonly now: () => number;
  private readonly partitionExists: PartitionExists | undefined;
  private closed = false;

  constructor(
    private readonly offsets: OffsetStorePort,
    opts: GroupCoordinatorOptions = {},
  ) {
    this.initialRebalanceDelayMs = opts.initialRebalanceDelayMs ?? 0;
    this.minSessionTimeoutMs = opts.minSessionTimeoutMs ?? DEFAULT_MIN_SESSION_TIMEOUT_MS;
    this.maxSessionTimeoutMs = opts.maxSessionTimeoutMs ?? DEFAULT_MAX_SESSION_TIMEOUT_MS;
    this.now = opts.now ?? Date.now;
    this.partitionExists = opts.partitionExists;
  }

  // ---- JoinGroup -------------------------------------------------------------------------

  async joinGroup(version: number, req: JoinGroupCall): Promise<JoinGroupResult> {
    if (this.closed) return joinError(req.memberId, ErrorCode.NOT_COORDINATOR);
    if (req.groupId === '') return joinError(req.memberId, ErrorCode.INVALID_GROUP_ID);
    if (req.sessionTimeoutMs < this.minSessionTimeoutMs || req.sessionTimeoutMs > this.maxSessionTimeoutMs) {
      return joinError(req.memberId, ErrorCode.INVALID_SESSION_TIMEOUT);
    }
    const groupInstanceId = version >= 5 ? req.groupInstanceId : null;
    const settings: MemberSettings = {
      clientId: req.clientId,
      clientHost: req.clientHost,
      sessionTimeoutMs: req.sessionTimeoutMs,
      rebalanceTimeoutMs: version >= 1 ? req.rebalanceTimeoutMs : req.sessionTimeoutMs,
      protocolType: req.protocolType,
      protocols: req.protocols,
    };

    let group = this.groups.get(req.groupId);
    if (!group) {
      if (req.memberId !== '') return joinError(req.memberId, ErrorCode.UNKNOWN_MEMBER_ID);
      group = new Group(req.groupId);
    }
    const protocolNames = req.protocols.map((p) => p.name);
    if (!group.supportsProtocols(req.protocolType, protocolNames)) {
      return joinError(req.memberId, ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    }
    this.groups.set(group.groupId, group);

    const response =
      req.memberId === ''
        ? this.joinUnknownMember(version, group, groupInstanceId, settings)
        : this.joinKnownMember(group, req.memberId, groupInstanceId, settings);
    this.tryCompleteJoin(group);
    return response;
  }

  private joinUnknownMember(version: number, group: Group, groupInstanceId: string | null, settings: MemberSettings): Promise<JoinGroupResult> {
    const memberId = `${settings.clientId}-${randomUUID()}`;
    if (groupInstanceId !== null) {
      // Static member restarting: its previous incarnation is fenced and replaced. Unlike
      // Kafka, the replacement goes through a normal rebalance.
      const previous = group.memberWithInstanceId(groupInstanceId);
      if (previous) this.removeMemberAndUpdateGroup(group, previous, ErrorCode.FENCED_INSTANCE_ID);
      return this.addMemberAndRebalance(group, memberId, groupInstanceId, settings);
    }
    if (version >= 4) {
      group.pendingMemberIds.add(memberId);
      this.schedulePendingMemberExpiry(group, memberId, settings.sessionTimeoutMs);
      return Promise.resolve(joinError(memberId, ErrorCode.MEMBER_ID_REQUIRED));
    }
    return this.addMemberAndRebalance(group, memberId, null, settings);
  }

  private joinKnownMember(group: Group, memberId: string, groupInstanceId: string | null, settings: MemberSettings): Promise<JoinGroupResult> {
    if (group.pendingMemberIds.has(memberId)) {
      this.timers.cancel(GroupTimers.pendingMemberKey(group.groupId, memberId));
      return this.addMemberAndRebalance(group, memberId, null, settings);
    }
    if (group.isFenced(memberId, groupInstanceId)) {
      return Promise.resolve(joinError(memberId, ErrorCode.FENCED_INSTANCE_ID));
    }
    const member = group.get(memberId);
    if (!member || (groupInstanceId !== null && member.groupInstanceId !== groupInstanceId)) {
      return Promise.resolve(joinError(memberId, ErrorCode.UNKNOWN_MEMBER_ID));
    }
    switch (group.state) {
      case 'PreparingRebalance':
        return this.updateMemberAndRebalance(group, member, settings);
      case 'CompletingRebalance':
        // Same metadata: probably a lost JoinGroup response, so answer the current generation.
        if (member.matches(settings.protocols)) return Promise.resolve(group.joinResponseFor(member));
        return this.updateMemberAndRebalance(group, member, settings);
      case 'Stable':
        // The leader's rejoin always rebalances (it may have seen topic changes); a follower
        // with unchanged metadata just gets the current generation back.
        if (group.isLeader(memberId) || !member.matches(settings.protocols)) {
          return this.updateMemberAndRebalance(group, member, settings);
        }
        return Promise.resolve(group.joinResponseFor(member));
      case 'Empty':
      case 'Dead':
        return Promise.resolve(joinError(memberId, ErrorCode.UNKNOWN_MEMBER_ID));
    }
  }

  private addMemberAndRebalance(group: Group, memberId: string, groupInstanceId: string | null, settings: MemberSettings): Promise<JoinGroupResult> {
    const member = new GroupMember(memberId, groupInstanceId, settings);
    const pending = this.pendingRebalances.get(group.groupId);
    if (group.state === 'PreparingRebalance' && pending?.initialDelayActive) pending.newMemberAdded = true;
    const response = member.awaitJoin();
    group.add(member);
    this.scheduleSession(group, member);
    this.maybePrepareRebalance(group);
    return response;
  }

  private updateMemberAndRebalance(group: Group, member: GroupMember, settings: MemberSettings): Promise<JoinGroupResult> {
    member.update(settings);
    const response = member.awaitJoin();
    this.maybePrepareRebalance(group);
    return response;
  }

  // ---- Rebalance -------------------------------------------------------------------------

  private maybePrepareRebalance(group: Group): void {
    if (group.canRebalance) this.prepareRebalance(group);
  }

  private prepareRebalance(group: Group): void {
    if (group.state === 'CompletingRebalance') {
      this.refreshSessions(group, group.resetAndPropagateAssignmentError(ErrorCode.REBALANCE_IN_PROGRESS));
    }
    const fromEmpty = group.state === 'Empty';
    group.transitionTo('PreparingRebalance');
    const rebalanceTimeoutMs = group.rebalanceTimeoutMs;
    const initialDelayMs = fromEmpty ? Math.min(this.initialRebalanceDelayMs, rebalanceTimeoutMs) : 0;
    this.pendingRebalances.set(group.groupId, {
      deadline: this.now() + rebalanceTimeoutMs,
      initialDelayActive: initialDelayMs > 0,
      newMemberAdded: false,
    });
    this.scheduleRebalanceTimer(group, initialDelayMs > 0 ? initialDelayMs : rebalanceTimeoutMs);
    this.tryCompleteJoin(group);
  }

  private scheduleRebalanceTimer(group: Group, delayMs: number): void {
    this.timers.schedule(GroupTimers.rebalanceKey(group.groupId), delayMs, () => this.onRebalanceTimer(group));
  }

  private onRebalanceTimer(group: Group): void {
    const pending = this.pendingRebalances.get(group.groupId);
    if (!pending || group.state !== 'PreparingRebalance') return;
    const remainingMs = pending.deadline - this.now();
    if (pending.initialDelayActive) {
      if (pending.newMemberAdded && remainingMs > 0) {
        pending.newMemberAdded = false;
        this.scheduleRebalanceTimer(group, Math.min(this.initialRebalanceDelayMs, remainingMs));
        return;
      }
      pending.initialDelayActive = false;
      if (remainingMs > 0) {
        // Unlike Kafka, keep waiting for handed-out member ids until the rebalance timeout.
        this.scheduleRebalanceTimer(group, remainingMs);
        this.tryCompleteJoin(group);
        return;
      }
    }
    this.completeJoin(group);
  }

  private tryCompleteJoin(group: Group): void {
    if (group.state !== 'PreparingRebalance') return;
    if (this.pendingRebalances.get(group.groupId)?.initialDelayActive) return;
    if (group.hasAllMembersJoined) this.completeJoin(group);
  }

  /** Drops members that did not rejoin, starts the next generation and answers the held joins. */
  private completeJoin(group: Group): void {
    this.timers.cancel(GroupTimers.rebalanceKey(group.groupId));
    this.pendingRebalances.delete(group.groupId);
    for (const member of group.notYetRejoinedMembers()) {
      this.timers.cancel(GroupTimers.sessionKey(group.groupId, member.memberId));
      group.remove(member.memberId);
    }
    group.electJoinedLeader();
    group.initNextGeneration();
    for (const member of group.members.values()) {
      member.answerJoin(group.joinResponseFor(member));
      this.scheduleSession(group, member);
    }
  }

  // ---- Sessions --------------------------------------------------------------------------

  private scheduleSession(group: Group, member: GroupMember): void {
    this.timers.schedule(GroupTimers.sessionKey(group.groupId, member.memberId), member.sessionTimeoutMs, () => this.onSessionExpired(group, member));
  }

  private refreshSessions(group: Group, members: Iterable<GroupMember>): void {
    for (const member of members) this.scheduleSession(group, member);
  }

  private onSessionExpired(group: Group, member: GroupMember): void {
    if (group.get(member.memberId) !== member) return;
    // A member whose JoinGroup or SyncGroup is held cannot heartbeat; the rebalance timeout bounds it.
    if (member.isAwaitingJoin || member.isAwaitingSync) {
      this.scheduleSession(group, member);
      return;
    }
    this.removeMemberAndUpdateGroup(group, member, ErrorCode.UNKNOWN_MEMBER_ID);
  }

  private schedulePendingMemberExpiry(group: Group, memberId: string, sessionTimeoutMs: number): void {
    this.timers.schedule(GroupTimers.pendingMemberKey(group.groupId, memberId), sessionTimeoutMs, () => {
      if (group.pendingMemberIds.delete(memberId)) this.tryCompleteJoin(group);
    });
  }

  /** Removes a member (expired, left or fenced), answers its held requests and rebalances the rest. */
  private removeMemberAndUpdateGroup(group: Group, member: GroupMember, heldRequestError: number): void {
    this.timers.cancel(GroupTimers.sessionKey(group.groupId, member.memberId));
    member.answerJoin(joinError('', heldRequestError));
    member.answerSync(syncError(heldRequestError));
    group.remove(member.memberId);
    switch (group.state) {
      case 'Stable':
      case 'CompletingRebalance':
        this.maybePrepareRebalance(group);
        break;
      case 'PreparingRebalance':
        this.tryCompleteJoin(group);
        break;
      case 'Empty':
      case 'Dead':
        break;
    }
  }

  // ---- SyncGroup, Heartbeat, LeaveGroup --------------------------------------------------

  async syncGroup(version: number, req: SyncGroupCall): Promise<SyncGroupResult> {
    if (this.closed) return syncError(ErrorCode.NOT_COORDINATOR);
    const groupInstanceId = version >= 3 ? req.groupInstanceId : null;
    const group = this.groups.get(req.groupId);
    if (!group) return syncError(ErrorCode.UNKNOWN_MEMBER_ID);
    if (group.isFenced(req.memberId, groupInstanceId)) return syncError(ErrorCode.FENCED_INSTANCE_ID);
    const member = group.get(req.memberId);
    if (!member) return syncError(ErrorCode.UNKNOWN_MEMBER_ID);
    if (req.generationId !== group.generationId) return syncError(ErrorCode.ILLEGAL_GENERATION);

    switch (group.state) {
      case 'Empty':
      case 'Dead':
        return syncError(ErrorCode.UNKNOWN_MEMBER_ID);
      case 'PreparingRebalance':
        return syncError(ErrorCode.REBALANCE_IN_PROGRESS);
      case 'CompletingRebalance': {
        const response = member.awaitSync();
        if (group.isLeader(member.memberId)) {
          const assignments = new Map(req.assignments.map((a) => [a.memberId, a.assignment]));
          this.refreshSessions(group, group.setAndPropagateAssignment(assignments));
        }
        return response;
      }
      case 'Stable':
        this.scheduleSession(group, member);
        return { errorCode: ErrorCode.NONE, assignment: member.assignment };
    }
  }

  heartbeat(version: number, req: HeartbeatCall): HeartbeatResult {
    const groupInstanceId = version >= 3 ? req.groupInstanceId : null;
    const group = this.groups.get(req.groupId);
    if (!group) return { errorCode: ErrorCode.UNKNOWN_MEMBER_ID };
    if (group.isFenced(req.memberId, groupInstanceId)) return { errorCode: ErrorCode.FENCED_INSTANCE_ID };
    const member = group.get(req.memberId);
    if (!member) return { errorCode: ErrorCode.UNKNOWN_MEMBER_ID };
    if (req.generationId !== group.generationId) return { errorCode: ErrorCode.ILLEGAL_GENERATION };

    switch (group.state) {
      case 'Empty':
      case 'Dead':
        return { errorCode: ErrorCode.UNKNOWN_MEMBER_ID };
      case 'PreparingRebalance':
        this.scheduleSession(group, member);
        return { errorCode: ErrorCode.REBALANCE_IN_PROGRESS };
      case 'CompletingRebalance':
      case 'Stable':
        // Newer Kafka accepts heartbeats between the JoinGroup answer and the SyncGroup.
        this.scheduleSession(group, member);
        return { errorCode: ErrorCode.NONE };
    }
  }

  leaveGroup(version: number, req: LeaveGroupCall): LeaveGroupResult {
    const leaving: MemberIdentity[] = version >= 3 ? (req.members ?? []) : [{ memberId: req.memberId ?? '', groupInstanceId: null }];
    const group = this.groups.get(req.groupId);
    const results = leaving.map((identity) => ({
      ...identity,
      errorCode: group ? this.removeLeavingMember(group, identity) : ErrorCode.UNKNOWN_MEMBER_ID,
    }));
    if (version >= 3) return { errorCode: ErrorCode.NONE, members: results };
    return { errorCode: results[0]?.errorCode ?? ErrorCode.NONE };
  }

  private removeLeavingMember(group: Group, { memberId, groupInstanceId }: MemberIdentity): number {
    if (memberId !== '' && group.isFenced(memberId, groupInstanceId)) return ErrorCode.FENCED_INSTANCE_ID;
    if (group.pendingMemberIds.delete(memberId)) {
      this.timers.cancel(GroupTimers.pendingMemberKey(group.groupId, memberId));
      this.tryCompleteJoin(group);
      return ErrorCode.NONE;
    }
    const member = (groupInstanceId !== null ? group.memberWithInstanceId(groupInstanceId) : undefined) ?? group.get(memberId);
    if (!member) return ErrorCode.UNKNOWN_MEMBER_ID;
    this.removeMemberAndUpdateGroup(group, member, ErrorCode.UNKNOWN_MEMBER_ID);
    return ErrorCode.NONE;
  }

  // ---- Offsets ---------------------------------------------------------------------------

  /**
   * Kafka's rules: generation -1 commits are accepted from anyone while the group is Empty (or
   * unknown); otherwise the member and generation must match, and only CompletingRebalance
   * refuses with REBALANCE_IN_PROGRESS (commits during PreparingRebalance are kept, the
   * heartbeat tells the member to rejoin).
   */
  commitOffsets(version: number, req: OffsetCommitCall): OffsetCommitResult {
    // v0 has no generation or member: it is always a commit outside group management.
    const generationId = version >= 1 ? req.generationId : -1;
    const memberId = version >= 1 ? req.memberId : '';
    const groupInstanceId = req.groupInstanceId ?? null;
    const group = this.groups.get(req.groupId);

    if (!group) {
      if (generationId >= 0) return rejectCommit(req, ErrorCode.ILLEGAL_GENERATION);
      return this.storeOffsets(req);
    }
    if (group.isFenced(memberId, groupInstanceId)) return rejectCommit(req, ErrorCode.FENCED_INSTANCE_ID);
    if (generationId < 0 && group.state === 'Empty') return this.storeOffsets(req);
    const member = group.get(memberId);
    if (!member) return rejectCommit(req, ErrorCode.UNKNOWN_MEMBER_ID);
    if (generationId !== group.generationId) return rejectCommit(req, ErrorCode.ILLEGAL_GENERATION);
    if (group.state === 'CompletingRebalance') return rejectCommit(req, ErrorCode.REBALANCE_IN_PROGRESS);
    this.scheduleSession(group, member);
    return this.storeOffsets(req);
  }

  private storeOffsets(req: OffsetCommitCall): OffsetCommitResult {
    return storeCommittedOffsets(this.offsets, req, this.partitionExists);
  }

  fetchOffsets(version: number, req: OffsetFetchCall): OffsetFetchResult {
    return fetchCommittedOffsets(this.offsets, version, req);
  }

  // ---- Admin -----------------------------------------------------------------------------

  describeGroups(groupIds: string[]): DescribeGroupsResult {
    return {
      groups: groupIds.map((groupId) => {
        const group = this.groups.get(groupId);
        const hasCommittedOffsets = !group && this.offsets.listForGroup(groupId).length > 0;
        return describeGroup(groupId, group, hasCommittedOffsets);
      }),
    };
  }

  listGroups(): ListGroupsResult {
    return listGroups(this.groups.values(), this.offsets.groups());
  }

  /** Stops every timer and answers held JoinGroup/SyncGroup requests with NOT_COORDINATOR. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.timers.close();
    for (const group of this.groups.values()) {
      for (const member of group.members.values()) {
        member.answerJoin(joinError(member.memberId, ErrorCode.NOT_COORDINATOR));
        member.answerSync(syncError(ErrorCode.NOT_COORDINATOR));
      }
    }
  }

  /** Number of live timers; lets tests check that close() and removals leave nothing behind. */
  get activeTimerCount(): number {
    return this.timers.size;
  }
}
