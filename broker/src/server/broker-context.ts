import type { GroupCoordinator } from '../groups/group-coordinator.ts';
import type { OffsetStore } from '../storage/offset-store.ts';
import type { ProducerIdAllocator } from '../storage/producer-ids.ts';
import type { TopicStore } from '../storage/topic-store.ts';
import type { BrokerSettings } from './broker-configs.ts';
import type { PartitionWaiters } from './partition-waiters.ts';

export interface BrokerLog {
  info(message: string): void;
  warn(message: string): void;
}

/** Everything a request handler may use; one per running broker. */
export interface BrokerContext {
  nodeId: number;
  clusterId: string;
  /** The address clients are told to connect to (Metadata, FindCoordinator). */
  advertisedHost: string;
  advertisedPort: number;
  /** What the broker was started with, as DescribeConfigs reports it. */
  settings: BrokerSettings;
  topics: TopicStore;
  offsets: OffsetStore;
  groups: GroupCoordinator;
  producerIds: ProducerIdAllocator;
  waiters: PartitionWaiters;
  log: BrokerLog;
}

export interface RequestClient {
  clientId: string;
  /** As Kafka shows it: "/127.0.0.1". */
  clientHost: string;
  /** Aborted when the client's connection closes. */
  signal?: AbortSignal;
}
