import { ErrorCode } from '../protocol/error-codes.ts';
import type { OffsetCommitCall, OffsetCommitResult, OffsetFetchPartition, OffsetFetchCall, OffsetFetchResult } from './group-api-types.ts';
import type { OffsetStorePort, TopicPartitionOffset } from './offset-store-port.ts';

/** Kafka's offset.metadata.max.bytes default. */
export const MAX_OFFSET_METADATA_LENGTH = 4096;

export type PartitionExists = (topic: string, partition: number) => boolean;

/** Answers every partition of a commit with the same error. */
export function rejectCommit(req: OffsetCommitCall, errorCode: number): OffsetCommitResult {
  return {
    topics: req.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode })),
    })),
  };
}

/**
 * Validates each partition, persists the valid ones in one call and answers per partition.
 * Offsets are stored as sent, so -1/-2 from kafkajs's resetOffsets stay -1/-2.
 */
export function storeCommittedOffsets(offsets: OffsetStorePort, req: OffsetCommitCall, partitionExists: PartitionExists | undefined): OffsetCommitResult {
  const entries: TopicPartitionOffset[] = [];
  const topics = req.topics.map((t) => ({
    name: t.name,
    partitions: t.partitions.map((p) => {
      let errorCode: number = ErrorCode.NONE;
      if (partitionExists && !partitionExists(t.name, p.partitionIndex)) {
        errorCode = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
      } else if (p.committedMetadata !== null && p.committedMetadata.length > MAX_OFFSET_METADATA_LENGTH) {
        errorCode = ErrorCode.OFFSET_METADATA_TOO_LARGE;
      } else {
        entries.push({
          topic: t.name,
          partition: p.partitionIndex,
          offset: p.committedOffset,
          metadata: p.committedMetadata,
        });
      }
      return { partitionIndex: p.partitionIndex, errorCode };
    }),
  }));
  if (entries.length > 0) offsets.commit(req.groupId, entries);
  return { topics };
}

/** Committed offsets regardless of the group's state, as Kafka answers them. */
export function fetchCommittedOffsets(offsets: OffsetStorePort, version: number, req: OffsetFetchCall): OffsetFetchResult {
  if (req.topics === null) {
    // A null list means "all" only from v2 on; older versions cannot send it.
    return { errorCode: ErrorCode.NONE, topics: version >= 2 ? allCommittedOffsets(offsets, req.groupId) : [] };
  }
  return {
    errorCode: ErrorCode.NONE,
    topics: req.topics.map((t) => ({
      name: t.name,
      partitions: t.partitionIndexes.map((partitionIndex): OffsetFetchPartition => {
        const committed = offsets.get(req.groupId, t.name, partitionIndex);
        return {
          partitionIndex,
          committedOffset: committed?.offset ?? -1n,
          metadata: committed ? committed.metadata : '',
          errorCode: ErrorCode.NONE,
        };
      }),
    })),
  };
}

function allCommittedOffsets(offsets: OffsetStorePort, groupId: string): OffsetFetchResult['topics'] {
  const byTopic = new Map<string, OffsetFetchPartition[]>();
  const sorted = [...offsets.listForGroup(groupId)].sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition));
  for (const entry of sorted) {
    let partitions = byTopic.get(entry.topic);
    if (!partitions) {
      partitions = [];
      byTopic.set(entry.topic, partitions);
    }
    partitions.push({
      partitionIndex: entry.partition,
      committedOffset: entry.offset,
      metadata: entry.metadata,
      errorCode: ErrorCode.NONE,
    });
  }
  return [...byTopic].map(([name, partitions]) => ({ name, partitions }));
}
