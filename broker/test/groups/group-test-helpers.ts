import type { GroupCoordinator } from '../../src/groups/group-coordinator.ts';
import type { GroupProtocol, JoinGroupCall, JoinGroupResult } from '../../src/groups/group-api-types.ts';

export const JOIN_VERSION = 5;

export function protocols(owner: string, names: string[] = ['RoundRobinAssigner']): GroupProtocol[] {
  return names.map((name) => ({ name, metadata: Buffer.from(`${owner}:${name}`) }));
}

export function joinRequest(overrides: Partial<JoinGroupCall> = {}): JoinGroupCall {
  return {
    groupId: 'g1',
    sessionTimeoutMs: 300,
    rebalanceTimeoutMs: 1_000,
    memberId: '',
    groupInstanceId: null,
    protocolType: 'consumer',
    protocols: protocols(overrides.clientId ?? 'client'),
    clientId: 'client',
    clientHost: '/127.0.0.1',
    ...overrides,
  };
}

/** A v5 join the way kafkajs does it: MEMBER_ID_REQUIRED first, then the rejoin (held). */
export async function joinAsNewMember(
  coordinator: GroupCoordinator,
  overrides: Partial<JoinGroupCall> = {},
): Promise<{ memberId: string; joined: Promise<JoinGroupResult> }> {
  const first = await coordinator.joinGroup(JOIN_VERSION, joinRequest(overrides));
  if (first.errorCode !== 79) throw new Error(`expected MEMBER_ID_REQUIRED, got ${first.errorCode}`);
  const joined = coordinator.joinGroup(JOIN_VERSION, joinRequest({ ...overrides, memberId: first.memberId }));
  return { memberId: first.memberId, joined };
}

/** Observes a promise without awaiting it, to assert that a request is still held. */
export function track<T>(promise: Promise<T>): { readonly settled: boolean; readonly value: T | undefined } {
  const state: { settled: boolean; value: T | undefined } = { settled: false, value: undefined };
  promise.then((value) => {
    state.settled = true;
    state.value = value;
  });
  return state;
}

/** Lets promise callbacks run (they are microtasks, so this works with fake timers too). */
export async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

export interface StableGroup {
  /** memberId by clientId, in join order. */
  memberIds: Map<string, string>;
  generationId: number;
  leader: string;
}

/**
 * Brings the given clients into one Stable group the way real consumers get there: each new
 * member's join starts a rebalance, the existing members rejoin, then everyone syncs. Each member
 * is assigned the bytes `assigned:<clientId>`.
 */
export async function formStableGroup(coordinator: GroupCoordinator, clientIds: string[], overrides: Partial<JoinGroupCall> = {}): Promise<StableGroup> {
  const memberIds = new Map<string, string>();
  let last: JoinGroupResult | undefined;
  for (const clientId of clientIds) {
    const added = await joinAsNewMember(coordinator, { ...overrides, clientId });
    const joins = [...memberIds].map(([existingClient, memberId]) =>
      coordinator.joinGroup(JOIN_VERSION, joinRequest({ ...overrides, clientId: existingClient, memberId })),
    );
    memberIds.set(clientId, added.memberId);
    const responses = await Promise.all([...joins, added.joined]);
    for (const response of responses) if (response.errorCode !== 0) throw new Error(`join failed: ${response.errorCode}`);
    last = responses[0]!;
    const assignments = [...memberIds].map(([client, memberId]) => ({ memberId, assignment: Buffer.from(`assigned:${client}`) }));
    const syncs = [...memberIds.values()].map((memberId) =>
      coordinator.syncGroup(3, {
        groupId: overrides.groupId ?? 'g1',
        generationId: last!.generationId,
        memberId,
        groupInstanceId: null,
        assignments: memberId === last!.leader ? assignments : [],
      }),
    );
    for (const sync of await Promise.all(syncs)) if (sync.errorCode !== 0) throw new Error(`sync failed: ${sync.errorCode}`);
  }
  return { memberIds, generationId: last!.generationId, leader: last!.leader };
}
