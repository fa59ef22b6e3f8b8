import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ErrorCode } from '../../src/protocol/error-codes.ts';
import { GroupCoordinator } from '../../src/groups/group-coordinator.ts';
import { InMemoryOffsetStore } from './in-memory-offset-store.ts';
import { flush, formStableGroup, JOIN_VERSION, joinAsNewMember, joinRequest, protocols, track } from './group-test-helpers.ts';

const SESSION_MS = 300;
const REBALANCE_MS = 1_000;

let coordinator: GroupCoordinator;

beforeEach(() => {
  vi.useFakeTimers();
  coordinator = new GroupCoordinator(new InMemoryOffsetStore(), { minSessionTimeoutMs: 100 });
});

afterEach(() => {
  coordinator.close();
  vi.useRealTimers();
});

function heartbeat(memberId: string, generationId: number, groupId = 'g1') {
  return coordinator.heartbeat(3, { groupId, generationId, memberId, groupInstanceId: null }).errorCode;
}

function sync(memberId: string, generationId: number, assignments: { memberId: string; assignment: Buffer }[] = []) {
  return coordinator.syncGroup(3, { groupId: 'g1', generationId, memberId, groupInstanceId: null, assignments });
}

function state(groupId = 'g1') {
  return coordinator.describeGroups([groupId]).groups[0]!;
}

describe('a single member', () => {
  it('joins with MEMBER_ID_REQUIRED, rejoins, syncs and becomes Stable', async () => {
    const first = await coordinator.joinGroup(JOIN_VERSION, joinRequest({ clientId: 'alpha' }));
    expect(first.errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED);
    expect(first.memberId).toMatch(/^alpha-[0-9a-f-]{36}$/);
    expect(state().groupState).toBe('Empty');

    const joined = await coordinator.joinGroup(JOIN_VERSION, joinRequest({ clientId: 'alpha', memberId: first.memberId }));
    expect(joined).toMatchObject({
      errorCode: 0,
      generationId: 1,
      protocolName: 'RoundRobinAssigner',
      leader: first.memberId,
      memberId: first.memberId,
    });
    expect(joined.members).toEqual([{ memberId: first.memberId, groupInstanceId: null, metadata: Buffer.from('alpha:RoundRobinAssigner') }]);
    expect(state().groupState).toBe('CompletingRebalance');

    const synced = await sync(first.memberId, 1, [{ memberId: first.memberId, assignment: Buffer.from('p0,p1') }]);
    expect(synced).toEqual({ errorCode: 0, assignment: Buffer.from('p0,p1') });
    expect(state().groupState).toBe('Stable');
    expect(heartbeat(first.memberId, 1)).toBe(ErrorCode.NONE);
  });

  it('gets a member id at once with JoinGroup v0-3', async () => {
    const joined = await coordinator.joinGroup(3, joinRequest({ clientId: 'old' }));
    expect(joined.errorCode).toBe(0);
    expect(joined.memberId).toMatch(/^old-/);
    expect(joined.leader).toBe(joined.memberId);
    expect(joined.generationId).toBe(1);
  });

  it('uses the session timeout as rebalance timeout for JoinGroup v0', async () => {
    const v0 = { sessionTimeoutMs: 400, rebalanceTimeoutMs: 60_000 };
    const a = await coordinator.joinGroup(0, joinRequest({ clientId: 'a', ...v0 }));
    await sync(a.memberId, a.generationId);
    const bJoin = track(coordinator.joinGroup(0, joinRequest({ clientId: 'b', ...v0 })));
    // a stays alive by heartbeating but never rejoins: the rebalance ends after 400 ms, not 60 s.
    for (let i = 0; i < 3; i++) {
      await vi.advanceTimersByTimeAsync(100);
      expect(heartbeat(a.memberId, 1)).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    }
    expect(bJoin.settled).toBe(false);
    await vi.advanceTimersByTimeAsync(110);
    expect(bJoin.value).toMatchObject({ errorCode: 0, generationId: 2 });
    expect(bJoin.value!.members).toHaveLength(1);
  });

  it('rejects session timeouts outside the configured bounds', async () => {
    const strict = new GroupCoordinator(new InMemoryOffsetStore(), { minSessionTimeoutMs: 6_000, maxSessionTimeoutMs: 60_000 });
    try {
      for (const sessionTimeoutMs of [5_999, 60_001]) {
        const r = await strict.joinGroup(JOIN_VERSION, joinRequest({ sessionTimeoutMs }));
        expect(r.errorCode).toBe(ErrorCode.INVALID_SESSION_TIMEOUT);
      }
      const kafkajsDefaults = await strict.joinGroup(JOIN_VERSION, joinRequest({ sessionTimeoutMs: 30_000, rebalanceTimeoutMs: 60_000 }));
      expect(kafkajsDefaults.errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED);
    } finally {
      strict.close();
    }
  });

  it('answers an unknown non-empty member id with UNKNOWN_MEMBER_ID', async () => {
    expect((await coordinator.joinGroup(JOIN_VERSION, joinRequest({ memberId: 'ghost' }))).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    await formStableGroup(coordinator, ['a']);
    expect((await coordinator.joinGroup(JOIN_VERSION, joinRequest({ memberId: 'ghost' }))).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });
});

describe('MEMBER_ID_REQUIRED pending members', () => {
  it('holds a rebalance for a handed-out member id until it joins', async () => {
    const { memberIds } = await formStableGroup(coordinator, ['a']);
    const pending = await coordinator.joinGroup(JOIN_VERSION, joinRequest({ clientId: 'b' }));
    expect(pending.errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED);

    const aRejoin = track(coordinator.joinGroup(JOIN_VERSION, joinRequest({ clientId: 'a', memberId: memberIds.get('a')! })));
    await flush();
    expect(aRejoin.settled).toBe(false);

    const bJoin = await coordinator.joinGroup(JOIN_VERSION, joinRequest({ clientId: 'b', memberId: pending.memberId }));
    await flush();
    expect(aRejoin.settled).toBe(true);
    expect(bJoin.generationId).toBe(2);
    expect(aRejoin.value!.members.map((m) => m.memberId).sort()).toEqual([memberIds.get('a')!, pending.memberId].sort());
  });

  it('expires a handed-out member id that does not come back within the session timeout', async () => {
    const { memberIds } = await formStableGroup(coordinator, ['a']);
    const pending = await coordinator.joinGroup(JOIN_VERSION, joinRequest({ clientId: 'b' }));
    const aRejoin = track(coordinator.joinGroup(JOIN_VERSION, joinRequest({ clientId: 'a', memberId: memberIds.get('a')! })));

    await vi.advanceTimersByTimeAsync(SESSION_MS - 10);
    expect(aRejoin.settled).toBe(false);
    await vi.advanceTimersByTimeAsync(20);
    expect(aRejoin.settled).toBe(true);
    expect(aRejoin.value!.members).toHaveLength(1);

    const late = await coordinator.joinGroup(JOIN_VERSION, joinRequest({ clientId: 'b', memberId: pending.memberId }));
    expect(late.errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });
});

describe('several members', () => {
  it('releases held joins together once every known member rejoined', async () => {
    const { memberIds, generationId } = await formStableGroup(coordinator, ['a']);
    const a = memberIds.get('a')!;
    expect(generationId).toBe(1);

    // b arrives: its join is held, a learns about the rebalance from its heartbeat.
    const b = await joinAsNewMember(coordinator, { clientId: 'b' });
    const bJoin = track(b.joined);
    await vi.advanceTimersByTimeAsync(100);
    expect(bJoin.settled).toBe(false);
    expect(state().groupState).toBe('PreparingRebalance');
    expect(heartbeat(a, 1)).toBe(ErrorCode.REBALANCE_IN_PROGRESS);

    // c arrives later, still before a rejoins.
    await vi.advanceTimersByTimeAsync(100);
    const c = await joinAsNewMember(coordinator, { clientId: 'c', protocols: protocols('c', ['RoundRobinAssigner', 'Other']) });
    const cJoin = track(c.joined);
    expect(heartbeat(a, 1)).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    await flush();
    expect(bJoin.settled || cJoin.settled).toBe(false);

    const aJoin = await coordinator.joinGroup(JOIN_VERSION, joinRequest({ clientId: 'a', memberId: a }));
    await flush();
    expect(bJoin.settled && cJoin.settled).toBe(true);

    const responses = [aJoin, bJoin.value!, cJoin.value!];
    for (const r of responses) {
      expect(r).toMatchObject({ errorCode: 0, generationId: 2, leader: a, protocolName: 'RoundRobinAssigner' });
    }
    expect(aJoin.members).toEqual([
      { memberId: a, groupInstanceId: null, metadata: Buffer.from('a:RoundRobinAssigner') },
      { memberId: b.memberId, groupInstanceId: null, metadata: Buffer.from('b:RoundRobinAssigner') },
      { memberId: c.memberId, groupInstanceId: null, metadata: Buffer.from('c:RoundRobinAssigner') },
    ]);
    expect(bJoin.value!.members).toEqual([]);
    expect(cJoin.value!.members).toEqual([]);
    expect(heartbeat(a, 1)).toBe(ErrorCode.ILLEGAL_GENERATION);
  });

  it("holds followers' syncs until the leader's sync and hands each its assignment", async () => {
    const { memberIds } = await formStableGroup(coordinator, ['a']);
    const a = memberIds.get('a')!;
    const b = await joinAsNewMember(coordinator, { clientId: 'b' });
    const c = await joinAsNewMember(coordinator, { clientId: 'c' });
    await coordinator.joinGroup(JOIN_VERSION, joinRequest({ clientId: 'a', memberId: a }));
    const generationId = (await b.joined).generationId;
    await c.joined;

    const bSync = track(sync(b.memberId, generationId));
    const cSync = track(sync(c.memberId, generationId));
    await vi.advanceTimersByTimeAsync(50);
    expect(bSync.settled || cSync.settled).toBe(false);
    expect(heartbeat(b.memberId, generationId)).toBe(ErrorCode.NONE);

    // c is left out of the leader's assignments: it gets an empty assignment.
    const aSync = await sync(a, generationId, [
      { memberId: a, assignment: Buffer.from('for-a') },
      { memberId: b.memberId, assignment: Buffer.from('for-b') },
    ]);
    await flush();
    expect(aSync).toEqual({ errorCode: 0, assignment: Buffer.from('for-a') });
    expect(bSync.value).toEqual({ errorCode: 0, assignment: Buffer.from('for-b') });
    expect(cSync.value).toEqual({ errorCode: 0, assignment: Buffer.alloc(0) });
    expect(state().groupState).toBe('Stable');

    // A late sync in Stable returns the stored assignment.
    expect(await sync(b.memberId, generationId)).toEqual({ errorCode: 0, assignment: Buffer.from('for-b') });
  });

  it('answers held syncs with REBALANCE_IN_PROGRESS when a new rebalance starts', async () => {
    const { memberIds } = await formStableGroup(coordinator, ['a']);
    const a = memberIds.get('a')!;
    const b = await joinAsNewMember(coordinator, { clientId: 'b' });
    await coordinator.joinGroup(JOIN_VERSION, joinRequest({ clientId: 'a', memberId: a }));
    const generationId = (await b.joined).generationId;

    const bSync = track(sync(b.memberId, generationId));
    await flush();
    expect(bSync.settled).toBe(false);

    const c = await joinAsNewMember(coordinator, { clientId: 'c' });
    await flush();
    expect(bSync.value).toEqual({ errorCode: ErrorCode.REBALANCE_IN_PROGRESS, assignment: Buffer.alloc(0) });
    expect((await sync(a, generationId, [])).errorCode).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    const cJoin = track(c.joined);
    await flush();
    expect(cJoin.settled).toBe(false);
  });

  it('elects a rejoined member as leader when the old leader does not rejoin', async () => {
    const { memberIds, leader } = await formStableGroup(coordinator, ['a', 'b'], { sessionTimeoutMs: 5_000 });
    expect(leader).toBe(memberIds.get('a'));
    const c = await joinAsNewMember(coordinator, { clientId: 'c', sessionTimeoutMs: 5_000 });
    const bJoin = coordinator.joinGroup(JOIN_VERSION, joinRequest({ clientId: 'b', memberId: memberIds.get('b')!, sessionTimeoutMs: 5_000 }));
    await vi.advanceTimersByTimeAsync(REBALANCE_MS);
    const [bResponse, cResponse] = await Promise.all([bJoin, c.joined]);
    expect(bResponse.leader).toBe(memberIds.get('b'));
    expect(cResponse.leader).toBe(memberIds.get('b'));
    expect(bResponse.members.map((m) => m.memberId)).toEqual([memberIds.get('b'), c.memberId]);
  });

  it('answers a follower rejoining a Stable group with unchanged metadata without a rebalance', async () => {
    const { memberIds, generationId } = await formStableGroup(coordinator, ['a', 'b']);
    const again = await coordinator.joinGroup(JOIN_VERSION, joinRequest({ clientId: 'b', memberId: memberIds.get('b')! }));
    expect(again).toMatchObject({ errorCode: 0, generationId, leader: memberIds.get('a'), members: [] });
    expect(state().groupState).toBe('Stable');
    expect(await sync(memberIds.get('b')!, generationId)).toEqual({ errorCode: 0, assignment: Buffer.from('assigned:b') });
  });

  it('chooses the protocol by vote among those every member supports', async () => {
    const a = await coordinator.joinGroup(3, joinRequest({ clientId: 'a', protocols: protocols('a', ['range', 'roundrobin']) }));
    await sync(a.memberId, 1, []);
    // The leader prefers range, but two of three members vote for roundrobin.
    const b = track(coordinator.joinGroup(3, joinRequest({ clientId: 'b', protocols: protocols('b', ['roundrobin', 'range']) })));
    const c = track(coordinator.joinGroup(3, joinRequest({ clientId: 'c', protocols: protocols('c', ['roundrobin', 'range']) })));
    const aAgain = await coordinator.joinGroup(3, joinRequest({ clientId: 'a', memberId: a.memberId, protocols: protocols('a', ['range', 'roundrobin']) }));
    await flush();
    expect(b.settled && c.settled).toBe(true);
    expect(aAgain.protocolName).toBe('roundrobin');
    expect(aAgain.members.find((m) => m.memberId === a.memberId)!.metadata).toEqual(Buffer.from('a:roundrobin'));
  });

  it('rejects a member with no protocol in common or another protocol type', async () => {
    await formStableGroup(coordinator, ['a']);
    const noCommon = await coordinator.joinGroup(JOIN_VERSION, joinRequest({ clientId: 'x', protocols: protocols('x', ['sticky']) }));
    expect(noCommon.errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    const otherType = await coordinator.joinGroup(JOIN_VERSION, joinRequest({ clientId: 'y', protocolType: 'connect' }));
    expect(otherType.errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    const none = await coordinator.joinGroup(JOIN_VERSION, joinRequest({ groupId: 'fresh', protocols: [] }));
    expect(none.errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    expect(coordinator.listGroups().groups.map((g) => g.groupId)).toEqual(['g1']);
  });
});

describe('members leaving and dying', () => {
  it('rebalances the rest when a member leaves, and empties the group when the last one does', async () => {
    const { memberIds, generationId } = await formStableGroup(coordinator, ['a', 'b']);
    const [a, b] = [memberIds.get('a')!, memberIds.get('b')!];

    expect(coordinator.leaveGroup(1, { groupId: 'g1', memberId: b })).toEqual({ errorCode: 0 });
    expect(state().groupState).toBe('PreparingRebalance');
    expect(heartbeat(a, generationId)).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    expect(heartbeat(b, generationId)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);

    const aJoin = await coordinator.joinGroup(JOIN_VERSION, joinRequest({ clientId: 'a', memberId: a }));
    expect(aJoin.generationId).toBe(generationId + 1);
    expect(aJoin.members.map((m) => m.memberId)).toEqual([a]);

    const left = coordinator.leaveGroup(3, {
      groupId: 'g1',
      members: [
        { memberId: a, groupInstanceId: null },
        { memberId: 'ghost', groupInstanceId: null },
      ],
    });
    expect(left).toEqual({
      errorCode: 0,
      members: [
        { memberId: a, groupInstanceId: null, errorCode: 0 },
        { memberId: 'ghost', groupInstanceId: null, errorCode: ErrorCode.UNKNOWN_MEMBER_ID },
      ],
    });
    expect(state()).toMatchObject({ groupState: 'Empty', members: [] });
    expect(coordinator.leaveGroup(0, { groupId: 'nope', memberId: a })).toEqual({ errorCode: ErrorCode.UNKNOWN_MEMBER_ID });
  });

  it('answers the held join of a member that leaves with UNKNOWN_MEMBER_ID', async () => {
    const { memberIds } = await formStableGroup(coordinator, ['a']);
    const b = await joinAsNewMember(coordinator, { clientId: 'b' });
    const bJoin = track(b.joined);
    coordinator.leaveGroup(3, { groupId: 'g1', members: [{ memberId: b.memberId, groupInstanceId: null }] });
    await flush();
    expect(bJoin.value!.errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    // a was the only one left, and its rejoin completes the rebalance alone.
    const aJoin = await coordinator.joinGroup(JOIN_VERSION, joinRequest({ clientId: 'a', memberId: memberIds.get('a')! }));
    expect(aJoin.members).toHaveLength(1);
  });

  it('removes a Stable member that stops heartbeating and tells the others to rejoin', async () => {
    const { memberIds, generationId } = await formStableGroup(coordinator, ['a', 'b']);
    const [a, b] = [memberIds.get('a')!, memberIds.get('b')!];
    // a keeps heartbeating every 100 ms; b has been killed.
    for (let elapsed = 0; elapsed < SESSION_MS - 100; elapsed += 100) {
      await vi.advanceTimersByTimeAsync(100);
      expect(heartbeat(a, generationId)).toBe(ErrorCode.NONE);
    }
    expect(state().members).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(150);
    expect(heartbeat(a, generationId)).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    expect(state().members.map((m) => m.memberId)).toEqual([a]);
    expect(heartbeat(b, generationId)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);

    const rejoin = await coordinator.joinGroup(JOIN_VERSION, joinRequest({ clientId: 'a', memberId: a }));
    expect(rejoin).toMatchObject({ errorCode: 0, generationId: generationId + 1, leader: a });
  });

  it('drops a member that does not rejoin within the rebalance timeout', async () => {
    const long = { sessionTimeoutMs: 10_000, rebalanceTimeoutMs: REBALANCE_MS };
    const { memberIds, generationId } = await formStableGroup(coordinator, ['a', 'b'], long);
    const [a, b] = [memberIds.get('a')!, memberIds.get('b')!];
    const c = await joinAsNewMember(coordinator, { clientId: 'c', ...long });
    const aJoin = track(coordinator.joinGroup(JOIN_VERSION, joinRequest({ clientId: 'a', memberId: a, ...long })));
    const cJoin = track(c.joined);

    // b is alive (it heartbeats) but never rejoins.
    await vi.advanceTimersByTimeAsync(REBALANCE_MS / 2);
    expect(heartbeat(b, generationId)).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    await vi.advanceTimersByTimeAsync(REBALANCE_MS / 2 - 10);
    expect(aJoin.settled).toBe(false);
    await vi.advanceTimersByTimeAsync(20);
    expect(aJoin.settled && cJoin.settled).toBe(true);
    expect(aJoin.value!.members.map((m) => m.memberId)).toEqual([a, c.memberId]);
    expect(heartbeat(b, generationId)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('completes a held rebalance as soon as the missing member’s session expires', async () => {
    const timeouts = { sessionTimeoutMs: SESSION_MS, rebalanceTimeoutMs: 60_000 };
    const { memberIds } = await formStableGroup(coordinator, ['a', 'b'], timeouts);
    const c = await joinAsNewMember(coordinator, { clientId: 'c', ...timeouts });
    const aJoin = track(coordinator.joinGroup(JOIN_VERSION, joinRequest({ clientId: 'a', memberId: memberIds.get('a')!, ...timeouts })));
    await vi.advanceTimersByTimeAsync(SESSION_MS + 10);
    expect(aJoin.settled).toBe(true);
    expect(aJoin.value!.members.map((m) => m.memberId)).toEqual([memberIds.get('a'), c.memberId]);
  });

  it('keeps a member whose join is held alive past its session timeout', async () => {
    const { memberIds } = await formStableGroup(coordinator, ['a', 'b'], { rebalanceTimeoutMs: 5_000 });
    const aJoin = track(coordinator.joinGroup(JOIN_VERSION, joinRequest({ clientId: 'a', memberId: memberIds.get('a')!, rebalanceTimeoutMs: 5_000 })));
    // b keeps heartbeating (getting 27) for longer than a's session timeout before rejoining.
    for (let i = 0; i < 5; i++) {
      await vi.advanceTimersByTimeAsync(200);
      expect(heartbeat(memberIds.get('b')!, 2)).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    }
    const bJoin = await coordinator.joinGroup(JOIN_VERSION, joinRequest({ clientId: 'b', memberId: memberIds.get('b')!, rebalanceTimeoutMs: 5_000 }));
    await flush();
    expect(aJoin.value!.members).toHaveLength(2);
    expect(bJoin.generationId).toBe(3);
  });
});

describe('generation and membership checks', () => {
  it('answers a stale generation with ILLEGAL_GENERATION and an unknown member with UNKNOWN_MEMBER_ID', async () => {
    const { memberIds, generationId } = await formStableGroup(coordinator, ['a']);
    const a = memberIds.get('a')!;
    expect(heartbeat(a, generationId - 1)).toBe(ErrorCode.ILLEGAL_GENERATION);
    expect((await sync(a, generationId + 1)).errorCode).toBe(ErrorCode.ILLEGAL_GENERATION);
    expect(heartbeat('ghost', generationId)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect((await sync('ghost', generationId)).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(heartbeat(a, generationId, 'no-such-group')).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });
});

describe('initial rebalance delay', () => {
  it('gathers members arriving during the delay into the first generation', async () => {
    const delayed = new GroupCoordinator(new InMemoryOffsetStore(), { minSessionTimeoutMs: 100, initialRebalanceDelayMs: 200 });
    try {
      const a = await delayed.joinGroup(JOIN_VERSION, joinRequest({ clientId: 'a' }));
      const aJoin = track(delayed.joinGroup(JOIN_VERSION, joinRequest({ clientId: 'a', memberId: a.memberId })));
      await vi.advanceTimersByTimeAsync(150);
      expect(aJoin.settled).toBe(false);
      const b = await delayed.joinGroup(JOIN_VERSION, joinRequest({ clientId: 'b' }));
      const bJoin = track(delayed.joinGroup(JOIN_VERSION, joinRequest({ clientId: 'b', memberId: b.memberId })));
      // The delay is extended once because b arrived during it.
      await vi.advanceTimersByTimeAsync(100);
      expect(aJoin.settled).toBe(false);
      await vi.advanceTimersByTimeAsync(200);
      expect(aJoin.settled && bJoin.settled).toBe(true);
      expect(aJoin.value!.generationId).toBe(1);
      expect(aJoin.value!.members).toHaveLength(2);
    } finally {
      delayed.close();
    }
  });
});

describe('static members (group.instance.id)', () => {
  it('fences the previous incarnation when an instance id rejoins with a new member id', async () => {
    const first = await coordinator.joinGroup(JOIN_VERSION, joinRequest({ clientId: 's', groupInstanceId: 'inst-1' }));
    expect(first.errorCode).toBe(0);
    await sync(first.memberId, first.generationId, []);
    const second = await coordinator.joinGroup(JOIN_VERSION, joinRequest({ clientId: 's', groupInstanceId: 'inst-1' }));
    expect(second.errorCode).toBe(0);
    expect(second.memberId).not.toBe(first.memberId);
    const fenced = coordinator.heartbeat(3, { groupId: 'g1', generationId: second.generationId, memberId: first.memberId, groupInstanceId: 'inst-1' });
    expect(fenced.errorCode).toBe(ErrorCode.FENCED_INSTANCE_ID);
    expect(coordinator.leaveGroup(3, { groupId: 'g1', members: [{ memberId: '', groupInstanceId: 'inst-1' }] }).members![0]!.errorCode).toBe(0);
    expect(state().groupState).toBe('Empty');
  });
});
