import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { DEFAULT_MAX_SESSION_TIMEOUT_MS, DEFAULT_MIN_SESSION_TIMEOUT_MS, GroupCoordinator } from './groups/group-coordinator.ts';
import type { BrokerContext, BrokerLog } from './server/broker-context.ts';
import { Connection } from './server/connection.ts';
import { createDispatcher } from './server/dispatcher.ts';
import { PartitionWaiters } from './server/partition-waiters.ts';
import { OffsetStore } from './storage/offset-store.ts';
import { DEFAULT_SEGMENT_BYTES } from './storage/partition-log.ts';
import { ProducerIdAllocator } from './storage/producer-ids.ts';
import { DEFAULT_MAX_BATCH_BYTES } from './storage/record-batch.ts';
import { TopicStore } from './storage/topic-store.ts';

export interface BrokerOptions {
  /** Data directory: partition logs, committed offsets, producer ids. Created if missing. */
  dataDir: string;
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  /** Host clients are told to connect to; defaults to host (or 127.0.0.1 when host is 0.0.0.0). */
  advertisedHost?: string;
  /** Partition count of auto-created topics and of createTopics with -1. */
  defaultPartitions?: number;
  /** Per partition; oldest segments are deleted beyond this size. */
  retentionBytes?: number;
  segmentBytes?: number;
  /** fsync every append and commit (survives power loss, not only process crashes). */
  fsync?: boolean;
  /** Kafka's group.initial.rebalance.delay.ms. */
  initialRebalanceDelayMs?: number;
  minSessionTimeoutMs?: number;
  log?: BrokerLog;
}

export interface RunningBroker {
  host: string;
  port: number;
  /** host:port, ready for a bootstrap servers list. */
  address: string;
  /** Stops accepting, closes every connection, flushes and closes the stores. */
  close(): Promise<void>;
}

const MAX_FRAME_BYTES = 100 * 1024 * 1024;
const silentLog: BrokerLog = { info() {}, warn() {} };

function clusterIdOf(dataDir: string): string {
  const file = path.join(dataDir, 'cluster-id');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const id = randomUUID();
  writeFileSync(file, id);
  return id;
}

export async function startBroker(options: BrokerOptions): Promise<RunningBroker> {
  const host = options.host ?? '127.0.0.1';
  const log = options.log ?? silentLog;
  mkdirSync(options.dataDir, { recursive: true });
  const topics = TopicStore.open(options.dataDir, {
    defaultPartitions: options.defaultPartitions ?? 1,
    retentionBytes: options.retentionBytes,
    segmentBytes: options.segmentBytes,
    fsync: options.fsync,
  });
  const offsets = OffsetStore.open(options.dataDir, { fsync: options.fsync });
  const producerIds = ProducerIdAllocator.open(options.dataDir);
  const groups = new GroupCoordinator(offsets, {
    initialRebalanceDelayMs: options.initialRebalanceDelayMs ?? 0,
    minSessionTimeoutMs: options.minSessionTimeoutMs,
    partitionExists: (topic, partition) => (topics.get(topic)?.partitions.length ?? 0) > partition,
  });
  const waiters = new PartitionWaiters();
  const connections = new Set<Connection>();
  let nextConnectionId = 1;

  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as net.AddressInfo).port;
  const advertisedHost = options.advertisedHost ?? (host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host);

  const ctx: BrokerContext = {
    nodeId: 0,
    clusterId: clusterIdOf(options.dataDir),
    advertisedHost,
    advertisedPort: port,
    settings: {
      host,
      dataDir: path.resolve(options.dataDir),
      defaultPartitions: options.defaultPartitions ?? 1,
      retentionBytes: options.retentionBytes ?? -1,
      segmentBytes: options.segmentBytes ?? DEFAULT_SEGMENT_BYTES,
      maxMessageBytes: DEFAULT_MAX_BATCH_BYTES,
      fsync: options.fsync ?? false,
      initialRebalanceDelayMs: options.initialRebalanceDelayMs ?? 0,
      minSessionTimeoutMs: options.minSessionTimeoutMs ?? DEFAULT_MIN_SESSION_TIMEOUT_MS,
      maxSessionTimeoutMs: DEFAULT_MAX_SESSION_TIMEOUT_MS,
    },
    topics,
    offsets,
    groups,
    producerIds,
    waiters,
    log,
  };
  const dispatch = createDispatcher(ctx);
  server.on('connection', (socket) => {
    const connection = new Connection(socket, { id: nextConnectionId++, remoteAddress: socket.remoteAddress ?? '' }, dispatch, log, MAX_FRAME_BYTES);
    connections.add(connection);
    socket.on('close', () => connections.delete(connection));
  });

  let closing: Promise<void> | null = null;
  return {
    host,
    port,
    address: `${advertisedHost}:${port}`,
    close() {
      closing ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        groups.close();
        waiters.notifyAll();
        for (const connection of connections) connection.close();
        await closed;
        topics.close();
        offsets.close();
      })();
      return closing;
    },
  };
}
