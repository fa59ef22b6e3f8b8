import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GroupCoordinator } from '../../src/groups/group-coordinator.ts';
import { InMemoryOffsetStore } from './in-memory-offset-store.ts';
import { formStableGroup, joinAsNewMember, protocols } from './group-test-helpers.ts';

let store: InMemoryOffsetStore;
let coordinator: GroupCoordinator;

beforeEach(() => {
  store = new InMemoryOffsetStore();
  coordinator = new GroupCoordinator(store, { minSessionTimeoutMs: 100 });
});

afterEach(() => coordinator.close());

describe('describeGroups', () => {
  it('shows a Stable group with its protocol, member metadata and assignments', async () => {
    const { memberIds } = await formStableGroup(coordinator, ['a', 'b'], { sessionTimeoutMs: 10_000 });
    const [described] = coordinator.describeGroups(['g1']).groups;
    expect(described).toEqual({
      errorCode: 0,
      groupId: 'g1',
      groupState: 'Stable',
      protocolType: 'consumer',
      protocolData: 'RoundRobinAssigner',
      members: ['a', 'b'].map((client) => ({
        memberId: memberIds.get(client),
        groupInstanceId: null,
        clientId: client,
        clientHost: '/127.0.0.1',
        memberMetadata: protocols(client)[0]!.metadata,
        memberAssignment: Buffer.from(`assigned:${client}`),
      })),
    });
  });

  it('hides metadata and assignments while rebalancing', async () => {
    await formStableGroup(coordinator, ['a'], { sessionTimeoutMs: 10_000 });
    await joinAsNewMember(coordinator, { clientId: 'b', sessionTimeoutMs: 10_000 });
    const [described] = coordinator.describeGroups(['g1']).groups;
    expect(described!.groupState).toBe('PreparingRebalance');
    expect(described!.protocolData).toBe('');
    expect(described!.members).toHaveLength(2);
    for (const member of described!.members) {
      expect(member.memberMetadata.length + member.memberAssignment.length).toBe(0);
    }
  });

  it('reports offset-only groups as Empty and unknown groups as Dead without an error', () => {
    store.commit('offsets-only', [{ topic: 't', partition: 0, offset: 3n, metadata: null }]);
    const described = coordinator.describeGroups(['offsets-only', 'never-heard-of']).groups;
    expect(described).toEqual([
      { errorCode: 0, groupId: 'offsets-only', groupState: 'Empty', protocolType: '', protocolData: '', members: [] },
      { errorCode: 0, groupId: 'never-heard-of', groupState: 'Dead', protocolType: '', protocolData: '', members: [] },
    ]);
  });
});

describe('listGroups', () => {
  it('lists groups with members and groups known only through committed offsets', async () => {
    await formStableGroup(coordinator, ['a'], { groupId: 'live', sessionTimeoutMs: 10_000 });
    store.commit('offsets-only', [{ topic: 't', partition: 0, offset: 3n, metadata: null }]);
    store.commit('live', [{ topic: 't', partition: 0, offset: 1n, metadata: null }]);
    expect(coordinator.listGroups()).toEqual({
      errorCode: 0,
      groups: [
        { groupId: 'live', protocolType: 'consumer', groupState: 'Stable' },
        { groupId: 'offsets-only', protocolType: '', groupState: 'Empty' },
      ],
    });
  });

  it('is empty when nothing is known', () => {
    expect(coordinator.listGroups()).toEqual({ errorCode: 0, groups: [] });
  });
});
