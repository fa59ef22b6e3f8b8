import type { Admin } from 'kafkajs';
import { TAIL_GROUP_PREFIX } from './tail.ts';

export interface PartitionOffsets {
  partition: number;
  /** First offset still in the log, and the end offset (high watermark: the next offset to be written). */
  start: number;
  end: number;
}

export interface TopicOverview {
  name: string;
  partitions: PartitionOffsets[];
}

export interface GroupPartition {
  partition: number;
  /** null: the group has not committed an offset for this partition. */
  committed: number | null;
  end: number;
  /** Messages the group has not committed yet (from the start of the log when nothing is committed). */
  lag: number;
}

export interface GroupOverview {
  groupId: string;
  state: string;
  members: number;
  topics: Array<{ topic: string; partitions: GroupPartition[] }>;
}

export interface KafkaOverview {
  topics: TopicOverview[];
  groups: GroupOverview[];
}

/** Lag of one partition for a group: what lies between its committed offset (or the log start) and the end. */
export function partitionLag(offsets: PartitionOffsets, committed: number | null): number {
  return Math.max(0, offsets.end - Math.max(committed ?? offsets.start, offsets.start));
}

/** Topics (internal ones left out), their offsets, and every consumer group's position in them. */
export async function fetchOverview(admin: Admin): Promise<KafkaOverview> {
  const names = (await admin.listTopics()).filter((name) => !name.startsWith('__')).sort();
  const topics: TopicOverview[] = [];
  for (const name of names) {
    const offsets = await admin.fetchTopicOffsets(name);
    topics.push({
      name,
      partitions: offsets.map((o) => ({ partition: o.partition, start: Number(o.low), end: Number(o.high) })).sort((a, b) => a.partition - b.partition),
    });
  }

  const { groups: listed } = await admin.listGroups();
  const groupIds = listed
    .map((g) => g.groupId)
    .filter((id) => !id.startsWith(TAIL_GROUP_PREFIX))
    .sort();
  const described = groupIds.length > 0 ? (await admin.describeGroups(groupIds)).groups : [];
  const groups: GroupOverview[] = [];
  for (const groupId of groupIds) {
    const description = described.find((g) => g.groupId === groupId);
    const committed = names.length > 0 ? await admin.fetchOffsets({ groupId, topics: names }) : [];
    const positions = committed
      .filter((t) => t.partitions.some((p) => Number(p.offset) >= 0))
      .map((t) => {
        const topic = topics.find((x) => x.name === t.topic)!;
        return {
          topic: t.topic,
          partitions: topic.partitions.map((offsets) => {
            const raw = Number(t.partitions.find((p) => p.partition === offsets.partition)?.offset ?? -1);
            const value = raw >= 0 ? raw : null;
            return { partition: offsets.partition, committed: value, end: offsets.end, lag: partitionLag(offsets, value) };
          }),
        };
      });
    groups.push({ groupId, state: description?.state ?? 'Unknown', members: description?.members.length ?? 0, topics: positions });
  }
  return { topics, groups };
}
