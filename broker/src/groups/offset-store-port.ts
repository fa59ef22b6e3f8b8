export interface CommittedOffset {
  offset: bigint;
  metadata: string | null;
}

export interface TopicPartitionOffset extends CommittedOffset {
  topic: string;
  partition: number;
}

/**
 * What the coordinator needs from offset storage. The storage module implements it; the
 * coordinator depends on nothing else, so it can be tested with an in-memory map.
 */
export interface OffsetStorePort {
  commit(groupId: string, entries: TopicPartitionOffset[]): void;
  get(groupId: string, topic: string, partition: number): CommittedOffset | undefined;
  listForGroup(groupId: string): TopicPartitionOffset[];
  groups(): string[];
}
