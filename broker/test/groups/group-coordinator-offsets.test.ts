import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ErrorCode } from '../../src/protocol/error-codes.ts';
import type { OffsetCommitCall } from '../../src/groups/group-api-types.ts';
import { GroupCoordinator } from '../../src/groups/group-coordinator.ts';
import { InMemoryOffsetStore } from './in-memory-offset-store.ts';
import { flush, formStableGroup, JOIN_VERSION, joinAsNewMember, joinRequest } from './group-test-helpers.ts';

const COMMIT_VERSION = 5;
const FETCH_VERSION = 4;

let store: InMemoryOffsetStore;
let coordinator: GroupCoordinator;

beforeEach(() => {
  vi.useFakeTimers();
  store = new InMemoryOffsetStore();
  coordinator = new GroupCoordinator(store, {
    minSessionTimeoutMs: 100,
    partitionExists: (topic, partition) => topic !== 'missing' && partition < 3,
  });
});

afterEach(() => {
  coordinator.close();
  vi.useRealTimers();
});

function commitRequest(
  generationId: number,
  memberId: string,
  partitions: [topic: string, partition: number, offset: bigint, metadata?: string | null][],
  groupId = 'g1',
): OffsetCommitCall {
  const topics = new Map<string, OffsetCommitCall['topics'][number]>();
  for (const [name, partitionIndex, committedOffset, committedMetadata = null] of partitions) {
    if (!topics.has(name)) topics.set(name, { name, partitions: [] });
    topics.get(name)!.partitions.push({ partitionIndex, committedOffset, committedMetadata });
  }
  return { groupId, generationId, memberId, topics: [...topics.values()] };
}

function errorCodes(response: ReturnType<GroupCoordinator['commitOffsets']>): number[] {
  return response.topics.flatMap((t) => t.partitions.map((p) => p.errorCode));
}

describe('commit and fetch', () => {
  it('round-trips offsets committed by a Stable member, including a null topic list', async () => {
    const { memberIds, generationId } = await formStableGroup(coordinator, ['a']);
    const response = coordinator.commitOffsets(
      COMMIT_VERSION,
      commitRequest(generationId, memberIds.get('a')!, [
        ['orders', 0, 42n, 'm0'],
        ['orders', 1, 7n],
        ['customers', 2, 1000n, ''],
      ]),
    );
    expect(response).toEqual({
      topics: [
        {
          name: 'orders',
          partitions: [
            { partitionIndex: 0, errorCode: 0 },
            { partitionIndex: 1, errorCode: 0 },
          ],
        },
        { name: 'customers', partitions: [{ partitionIndex: 2, errorCode: 0 }] },
      ],
    });

    const fetched = coordinator.fetchOffsets(FETCH_VERSION, {
      groupId: 'g1',
      topics: [{ name: 'orders', partitionIndexes: [0, 1, 2] }],
    });
    expect(fetched).toEqual({
      errorCode: 0,
      topics: [
        {
          name: 'orders',
          partitions: [
            { partitionIndex: 0, committedOffset: 42n, metadata: 'm0', errorCode: 0 },
            { partitionIndex: 1, committedOffset: 7n, metadata: null, errorCode: 0 },
            { partitionIndex: 2, committedOffset: -1n, metadata: '', errorCode: 0 },
          ],
        },
      ],
    });

    const all = coordinator.fetchOffsets(FETCH_VERSION, { groupId: 'g1', topics: null });
    expect(all.topics).toEqual([
      { name: 'customers', partitions: [{ partitionIndex: 2, committedOffset: 1000n, metadata: '', errorCode: 0 }] },
      {
        name: 'orders',
        partitions: [
          { partitionIndex: 0, committedOffset: 42n, metadata: 'm0', errorCode: 0 },
          { partitionIndex: 1, committedOffset: 7n, metadata: null, errorCode: 0 },
        ],
      },
    ]);
    // Before v2 a null list cannot mean "all".
    expect(coordinator.fetchOffsets(1, { groupId: 'g1', topics: null }).topics).toEqual([]);
    expect(coordinator.fetchOffsets(FETCH_VERSION, { groupId: 'other', topics: null }).topics).toEqual([]);
  });

  it('refuses unknown partitions and oversized metadata per partition and stores the rest', async () => {
    const { memberIds, generationId } = await formStableGroup(coordinator, ['a']);
    const response = coordinator.commitOffsets(
      COMMIT_VERSION,
      commitRequest(generationId, memberIds.get('a')!, [
        ['orders', 0, 5n],
        ['orders', 3, 5n],
        ['missing', 0, 5n],
        ['orders', 1, 5n, 'x'.repeat(4097)],
      ]),
    );
    expect(errorCodes(response)).toEqual([0, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, ErrorCode.OFFSET_METADATA_TOO_LARGE, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]);
    expect(store.listForGroup('g1').map((e) => [e.topic, e.partition])).toEqual([['orders', 0]]);
  });

  it('keeps a member that only commits alive', async () => {
    const { memberIds, generationId } = await formStableGroup(coordinator, ['a']);
    for (let i = 0; i < 5; i++) {
      await vi.advanceTimersByTimeAsync(200);
      expect(errorCodes(coordinator.commitOffsets(COMMIT_VERSION, commitRequest(generationId, memberIds.get('a')!, [['t', 0, BigInt(i)]])))).toEqual([0]);
    }
    expect(coordinator.describeGroups(['g1']).groups[0]!.groupState).toBe('Stable');
  });
});

describe('commit checks against the group', () => {
  it('rejects commits from unknown members and stale generations', async () => {
    const { memberIds, generationId } = await formStableGroup(coordinator, ['a']);
    const stale = coordinator.commitOffsets(COMMIT_VERSION, commitRequest(generationId - 1, memberIds.get('a')!, [['t', 0, 1n]]));
    expect(errorCodes(stale)).toEqual([ErrorCode.ILLEGAL_GENERATION]);
    const unknown = coordinator.commitOffsets(COMMIT_VERSION, commitRequest(generationId, 'ghost', [['t', 0, 1n]]));
    expect(errorCodes(unknown)).toEqual([ErrorCode.UNKNOWN_MEMBER_ID]);
    const unknownGroup = coordinator.commitOffsets(COMMIT_VERSION, commitRequest(3, 'ghost', [['t', 0, 1n]], 'nope'));
    expect(errorCodes(unknownGroup)).toEqual([ErrorCode.ILLEGAL_GENERATION]);
    expect(store.commitCalls).toBe(0);
  });

  it('refuses commits in CompletingRebalance but keeps those made during PreparingRebalance', async () => {
    const { memberIds, generationId } = await formStableGroup(coordinator, ['a']);
    const a = memberIds.get('a')!;
    const b = await joinAsNewMember(coordinator, { clientId: 'b' });

    // PreparingRebalance: a has not rejoined yet and may still commit its progress.
    const during = coordinator.commitOffsets(COMMIT_VERSION, commitRequest(generationId, a, [['t', 0, 10n]]));
    expect(errorCodes(during)).toEqual([0]);

    const aJoin = await coordinator.joinGroup(JOIN_VERSION, joinRequest({ clientId: 'a', memberId: a }));
    await b.joined;
    expect(coordinator.describeGroups(['g1']).groups[0]!.groupState).toBe('CompletingRebalance');
    const completing = coordinator.commitOffsets(COMMIT_VERSION, commitRequest(aJoin.generationId, a, [['t', 0, 11n]]));
    expect(errorCodes(completing)).toEqual([ErrorCode.REBALANCE_IN_PROGRESS]);
    const old = coordinator.commitOffsets(COMMIT_VERSION, commitRequest(generationId, a, [['t', 0, 12n]]));
    expect(errorCodes(old)).toEqual([ErrorCode.ILLEGAL_GENERATION]);
    expect(store.get('g1', 't', 0)).toEqual({ offset: 10n, metadata: null });
  });
});

describe('admin commits (generation -1, no member)', () => {
  it('stores -1/-2 literally for an unknown or Empty group', async () => {
    const unknownGroup = coordinator.commitOffsets(
      COMMIT_VERSION,
      commitRequest(
        -1,
        '',
        [
          ['t', 0, -2n],
          ['t', 1, -1n],
        ],
        'admin-only',
      ),
    );
    expect(errorCodes(unknownGroup)).toEqual([0, 0]);
    expect(coordinator.fetchOffsets(FETCH_VERSION, { groupId: 'admin-only', topics: null }).topics).toEqual([
      {
        name: 't',
        partitions: [
          { partitionIndex: 0, committedOffset: -2n, metadata: null, errorCode: 0 },
          { partitionIndex: 1, committedOffset: -1n, metadata: null, errorCode: 0 },
        ],
      },
    ]);

    const { memberIds } = await formStableGroup(coordinator, ['a']);
    coordinator.leaveGroup(3, { groupId: 'g1', members: [{ memberId: memberIds.get('a')!, groupInstanceId: null }] });
    expect(coordinator.describeGroups(['g1']).groups[0]!.groupState).toBe('Empty');
    const afterLeave = coordinator.commitOffsets(COMMIT_VERSION, commitRequest(-1, '', [['t', 0, 99n]]));
    expect(errorCodes(afterLeave)).toEqual([0]);
    expect(store.get('g1', 't', 0)!.offset).toBe(99n);
    // OffsetCommit v0 carries no generation at all.
    expect(errorCodes(coordinator.commitOffsets(0, commitRequest(7, 'whoever', [['t', 0, 100n]])))).toEqual([0]);
    expect(store.get('g1', 't', 0)!.offset).toBe(100n);
  });

  it('rejects them while the group has members, in any state', async () => {
    await formStableGroup(coordinator, ['a']);
    expect(errorCodes(coordinator.commitOffsets(COMMIT_VERSION, commitRequest(-1, '', [['t', 0, 1n]])))).toEqual([ErrorCode.UNKNOWN_MEMBER_ID]);
    await joinAsNewMember(coordinator, { clientId: 'b' });
    await flush();
    expect(coordinator.describeGroups(['g1']).groups[0]!.groupState).toBe('PreparingRebalance');
    expect(errorCodes(coordinator.commitOffsets(COMMIT_VERSION, commitRequest(-1, '', [['t', 0, 1n]])))).toEqual([ErrorCode.UNKNOWN_MEMBER_ID]);
    expect(store.commitCalls).toBe(0);
  });
});
