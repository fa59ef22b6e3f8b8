import type { CommittedOffset, OffsetStorePort, TopicPartitionOffset } from '../../src/groups/offset-store-port.ts';

/** The offset store port over nested maps, for tests. */
export class InMemoryOffsetStore implements OffsetStorePort {
  private readonly byGroup = new Map<string, Map<string, TopicPartitionOffset>>();
  commitCalls = 0;

  commit(groupId: string, entries: TopicPartitionOffset[]): void {
    this.commitCalls += 1;
    let offsets = this.byGroup.get(groupId);
    if (!offsets) {
      offsets = new Map();
      this.byGroup.set(groupId, offsets);
    }
    for (const entry of entries) offsets.set(`${entry.topic}\0${entry.partition}`, { ...entry });
  }

  get(groupId: string, topic: string, partition: number): CommittedOffset | undefined {
    const entry = this.byGroup.get(groupId)?.get(`${topic}\0${partition}`);
    return entry && { offset: entry.offset, metadata: entry.metadata };
  }

  listForGroup(groupId: string): TopicPartitionOffset[] {
    return [...(this.byGroup.get(groupId)?.values() ?? [])].map((e) => ({ ...e }));
  }

  groups(): string[] {
    return [...this.byGroup.keys()];
  }
}
