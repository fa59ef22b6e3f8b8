import type { Admin } from 'kafkajs';

export interface PartitionLag {
  partition: number;
  /** Messages between the group's committed offset (or the log start, before any commit) and the end. */
  waiting: number;
}

/** A consumer group's lag on each partition of a topic, from its committed offsets and the partitions' ends. */
export async function partitionLags(admin: Admin, groupId: string, topic: string): Promise<PartitionLag[]> {
  const [committed, ends] = await Promise.all([admin.fetchOffsets({ groupId, topics: [topic] }), admin.fetchTopicOffsets(topic)]);
  const committedByPartition = new Map((committed[0]?.partitions ?? []).map((p) => [p.partition, BigInt(p.offset)]));
  return ends.map(({ partition, high, low }) => {
    const at = committedByPartition.get(partition) ?? -1n;
    return { partition, waiting: Number(BigInt(high) - (at < 0n ? BigInt(low) : at)) };
  });
}
