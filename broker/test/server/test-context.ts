import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GroupCoordinator } from '../../src/groups/group-coordinator.ts';
import type { BrokerContext } from '../../src/server/broker-context.ts';
import { PartitionWaiters } from '../../src/server/partition-waiters.ts';
import { OffsetStore } from '../../src/storage/offset-store.ts';
import { ProducerIdAllocator } from '../../src/storage/producer-ids.ts';
import { TopicStore } from '../../src/storage/topic-store.ts';

export interface TestContext {
  ctx: BrokerContext;
  warnings: string[];
  /** Closes the stores and removes the data directory. */
  dispose(): void;
}

/** A broker context over real stores in a temp directory, as startBroker builds it, without a server. */
export function makeTestContext(opts: { defaultPartitions?: number } = {}): TestContext {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'broker-server-'));
  const topics = TopicStore.open(dataDir, { defaultPartitions: opts.defaultPartitions ?? 1 });
  const offsets = OffsetStore.open(dataDir);
  const groups = new GroupCoordinator(offsets, {
    partitionExists: (topic, partition) => (topics.get(topic)?.partitions.length ?? 0) > partition,
  });
  const warnings: string[] = [];
  const ctx: BrokerContext = {
    nodeId: 0,
    clusterId: 'test-cluster',
    advertisedHost: '127.0.0.1',
    advertisedPort: 9092,
    settings: {
      host: '127.0.0.1',
      dataDir,
      defaultPartitions: opts.defaultPartitions ?? 1,
      retentionBytes: -1,
      segmentBytes: 268_435_456,
      maxMessageBytes: 1_048_588,
      fsync: false,
      initialRebalanceDelayMs: 0,
      minSessionTimeoutMs: 6000,
      maxSessionTimeoutMs: 1_800_000,
    },
    topics,
    offsets,
    groups,
    producerIds: ProducerIdAllocator.open(dataDir),
    waiters: new PartitionWaiters(),
    log: { info() {}, warn: (message) => void warnings.push(message) },
  };
  return {
    ctx,
    warnings,
    dispose() {
      groups.close();
      topics.close();
      offsets.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
