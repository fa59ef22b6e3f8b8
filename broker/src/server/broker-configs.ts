/**
 * The development broker's behaviour written as the Kafka configs a Kafka broker would need to
 * behave the same, for DescribeConfigs. A value equal to Kafka's own default is reported with
 * source DEFAULT_CONFIG; anything else as STATIC_BROKER_CONFIG, as if set in server.properties.
 * Every entry is read-only: the broker implements no AlterConfigs.
 */
import { ConfigSource, ConfigType, type DescribedConfig } from '../protocol/apis/describe-configs.ts';

/** What a running broker was started with, as far as clients can observe it. */
export interface BrokerSettings {
  host: string;
  dataDir: string;
  defaultPartitions: number;
  /** Per partition; -1 keeps everything. */
  retentionBytes: number;
  segmentBytes: number;
  maxMessageBytes: number;
  fsync: boolean;
  initialRebalanceDelayMs: number;
  minSessionTimeoutMs: number;
  maxSessionTimeoutMs: number;
}

interface ConfigDefinition {
  name: string;
  value: string;
  /** Kafka's default; null where Kafka has none. */
  kafkaDefault: string | null;
  type: number;
  documentation: string;
}

/** A topic config and the broker config it falls back to, as in Kafka. */
interface TopicConfigDefinition extends ConfigDefinition {
  brokerSynonym: string;
}

const LONG_MAX = '9223372036854775807';

/** Where the node is, as Metadata tells clients. */
export interface NodeAddress {
  nodeId: number;
  advertisedHost: string;
  port: number;
}

export function brokerConfigDefinitions(settings: BrokerSettings, node: NodeAddress): ConfigDefinition[] {
  const s = settings;
  const nodeId = node.nodeId;
  return [
    {
      name: 'advertised.listeners',
      value: `PLAINTEXT://${node.advertisedHost}:${node.port}`,
      kafkaDefault: null,
      type: ConfigType.List,
      documentation: 'The address clients are told to connect to.',
    },
    {
      name: 'auto.create.topics.enable',
      value: 'true',
      kafkaDefault: 'true',
      type: ConfigType.Boolean,
      documentation: 'Metadata requests create missing topics (Metadata v4+ only when the client allows it).',
    },
    { name: 'broker.id', value: String(nodeId), kafkaDefault: '-1', type: ConfigType.Int, documentation: 'The id of this, the only, node.' },
    {
      name: 'compression.type',
      value: 'producer',
      kafkaDefault: 'producer',
      type: ConfigType.String,
      documentation: 'Batches are stored as the producer compressed them.',
    },
    { name: 'default.replication.factor', value: '1', kafkaDefault: '1', type: ConfigType.Int, documentation: 'One node: one replica.' },
    {
      name: 'group.initial.rebalance.delay.ms',
      value: String(s.initialRebalanceDelayMs),
      kafkaDefault: '3000',
      type: ConfigType.Int,
      documentation: 'How long a group started from Empty waits for more members.',
    },
    {
      name: 'group.max.session.timeout.ms',
      value: String(s.maxSessionTimeoutMs),
      kafkaDefault: '1800000',
      type: ConfigType.Int,
      documentation: 'Largest session timeout a member may ask for.',
    },
    {
      name: 'group.min.session.timeout.ms',
      value: String(s.minSessionTimeoutMs),
      kafkaDefault: '6000',
      type: ConfigType.Int,
      documentation: 'Smallest session timeout a member may ask for.',
    },
    {
      name: 'listeners',
      value: `PLAINTEXT://${s.host}:${node.port}`,
      kafkaDefault: 'PLAINTEXT://:9092',
      type: ConfigType.List,
      documentation: 'Where the broker listens: PLAINTEXT only.',
    },
    {
      name: 'log.cleanup.policy',
      value: 'delete',
      kafkaDefault: 'delete',
      type: ConfigType.List,
      documentation: 'Old segments are deleted; there is no compaction.',
    },
    { name: 'log.dirs', value: s.dataDir, kafkaDefault: null, type: ConfigType.List, documentation: 'The data directory.' },
    {
      name: 'log.flush.interval.messages',
      value: s.fsync ? '1' : LONG_MAX,
      kafkaDefault: LONG_MAX,
      type: ConfigType.Long,
      documentation: 'With --fsync every append is fsynced.',
    },
    {
      name: 'log.message.timestamp.type',
      value: 'CreateTime',
      kafkaDefault: 'CreateTime',
      type: ConfigType.String,
      documentation: "Records keep the producer's timestamps.",
    },
    {
      name: 'log.retention.bytes',
      value: String(s.retentionBytes),
      kafkaDefault: '-1',
      type: ConfigType.Long,
      documentation: 'Oldest segments of a partition are deleted beyond this size; -1 keeps everything.',
    },
    { name: 'log.retention.hours', value: '168', kafkaDefault: '168', type: ConfigType.Int, documentation: 'Overridden by log.retention.ms.' },
    { name: 'log.retention.ms', value: '-1', kafkaDefault: null, type: ConfigType.Long, documentation: 'The development broker has no time-based retention.' },
    {
      name: 'log.segment.bytes',
      value: String(s.segmentBytes),
      kafkaDefault: '1073741824',
      type: ConfigType.Int,
      documentation: 'A partition rolls to a new segment file at this size.',
    },
    {
      name: 'message.max.bytes',
      value: String(s.maxMessageBytes),
      kafkaDefault: '1048588',
      type: ConfigType.Int,
      documentation: 'Largest record batch accepted.',
    },
    { name: 'min.insync.replicas', value: '1', kafkaDefault: '1', type: ConfigType.Int, documentation: 'One node: one replica in sync.' },
    { name: 'node.id', value: String(nodeId), kafkaDefault: '-1', type: ConfigType.Int, documentation: 'The id of this, the only, node.' },
    {
      name: 'num.partitions',
      value: String(s.defaultPartitions),
      kafkaDefault: '1',
      type: ConfigType.Int,
      documentation: 'Partitions of topics created without a count.',
    },
    {
      name: 'offsets.topic.replication.factor',
      value: '1',
      kafkaDefault: '3',
      type: ConfigType.Short,
      documentation: 'Committed offsets are kept in an append-only file, not a topic.',
    },
  ];
}

export function topicConfigDefinitions(settings: BrokerSettings): TopicConfigDefinition[] {
  const s = settings;
  return [
    {
      name: 'cleanup.policy',
      brokerSynonym: 'log.cleanup.policy',
      value: 'delete',
      kafkaDefault: 'delete',
      type: ConfigType.List,
      documentation: 'Old segments are deleted; there is no compaction.',
    },
    {
      name: 'compression.type',
      brokerSynonym: 'compression.type',
      value: 'producer',
      kafkaDefault: 'producer',
      type: ConfigType.String,
      documentation: 'Batches are stored as the producer compressed them.',
    },
    {
      name: 'flush.messages',
      brokerSynonym: 'log.flush.interval.messages',
      value: s.fsync ? '1' : LONG_MAX,
      kafkaDefault: LONG_MAX,
      type: ConfigType.Long,
      documentation: 'With --fsync every append is fsynced.',
    },
    {
      name: 'max.message.bytes',
      brokerSynonym: 'message.max.bytes',
      value: String(s.maxMessageBytes),
      kafkaDefault: '1048588',
      type: ConfigType.Int,
      documentation: 'Largest record batch accepted.',
    },
    {
      name: 'message.timestamp.type',
      brokerSynonym: 'log.message.timestamp.type',
      value: 'CreateTime',
      kafkaDefault: 'CreateTime',
      type: ConfigType.String,
      documentation: "Records keep the producer's timestamps.",
    },
    {
      name: 'min.insync.replicas',
      brokerSynonym: 'min.insync.replicas',
      value: '1',
      kafkaDefault: '1',
      type: ConfigType.Int,
      documentation: 'One node: one replica in sync.',
    },
    {
      name: 'retention.bytes',
      brokerSynonym: 'log.retention.bytes',
      value: String(s.retentionBytes),
      kafkaDefault: '-1',
      type: ConfigType.Long,
      documentation: 'Oldest segments of a partition are deleted beyond this size; -1 keeps everything.',
    },
    {
      name: 'retention.ms',
      brokerSynonym: 'log.retention.ms',
      value: '-1',
      kafkaDefault: '604800000',
      type: ConfigType.Long,
      documentation: 'The development broker has no time-based retention.',
    },
    {
      name: 'segment.bytes',
      brokerSynonym: 'log.segment.bytes',
      value: String(s.segmentBytes),
      kafkaDefault: '1073741824',
      type: ConfigType.Int,
      documentation: 'A partition rolls to a new segment file at this size.',
    },
  ];
}

function sourceOf(definition: { value: string; kafkaDefault: string | null }): number {
  return definition.value === definition.kafkaDefault ? ConfigSource.DefaultConfig : ConfigSource.StaticBrokerConfig;
}

export interface DescribeOptions {
  includeSynonyms: boolean;
  includeDocumentation: boolean;
}

/** A broker config as DescribeConfigs answers it; its only synonym is itself. */
export function describeBrokerConfig(definition: ConfigDefinition, options: DescribeOptions): DescribedConfig {
  const source = sourceOf(definition);
  return {
    name: definition.name,
    value: definition.value,
    readOnly: true,
    source,
    isSensitive: false,
    synonyms: options.includeSynonyms ? [{ name: definition.name, value: definition.value, source }] : [],
    configType: definition.type,
    documentation: options.includeDocumentation ? definition.documentation : null,
  };
}

/** A topic config: no topic overrides exist, so its value and source are its broker synonym's. */
export function describeTopicConfig(definition: TopicConfigDefinition, options: DescribeOptions): DescribedConfig {
  const source = sourceOf(definition);
  return {
    ...describeBrokerConfig(definition, { ...options, includeSynonyms: false }),
    synonyms: options.includeSynonyms ? [{ name: definition.brokerSynonym, value: definition.value, source }] : [],
  };
}
