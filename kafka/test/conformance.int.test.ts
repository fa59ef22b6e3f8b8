// The official Java client (kafka-clients 3.9.1) and Kafka's own tools against Apache Kafka first,
// then the same programs and assertions against the development broker: a difference is the
// development broker's to fix, or one of its documented differences (broker/README.md,
// "Differences from Apache Kafka"), each spelled out in BrokerSpecifics below.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureKafkaDistribution } from '../src/distribution.ts';
import {
  killRunningChildren,
  runConformance,
  runKafkaTool,
  startApacheKafkaUnderTest,
  startDevelopmentBrokerUnderTest,
  type BrokerUnderTest,
  type ConformanceRun,
  type Facts,
} from './conformance-support.ts';

const PREFIX = 'conformance';
const GROUP = `${PREFIX}-group`;
const CODECS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];
const DEFAULT_PARTITIONS = 3;
const distribution = ensureKafkaDistribution();

/** Where the two brokers are allowed to differ. */
interface BrokerSpecifics {
  /** Topic ids come with Metadata v10+; the development broker answers up to v6. */
  topicIds: boolean;
  internalTopics: string[];
  transactions: Facts;
  /** Look-ups inside one zstd batch of records 1 s apart (offset, ms after the first). */
  zstdTimestampLookups: Facts;
  /** The development broker implements no AlterConfigs. */
  configsReadOnly: boolean;
  /** How many configs describeConfigs lists for a topic and for the broker. */
  configCounts: { topic: number; broker: number };
  retentionMs: { value: string; source: string };
  segmentBytes: { value: string; source: string };
  /** kafka-topics --describe lists the topic configs that are not at Kafka's default. */
  topicsToolConfigs: string;
  /** Admin calls that change things: "ok", or how the client fails a call the broker lacks. */
  adminWrites: Facts;
}

const APACHE: BrokerSpecifics = {
  topicIds: true,
  internalTopics: ['__consumer_offsets', '__transaction_state'],
  transactions: { outcome: 'committed' },
  zstdTimestampLookups: { beforeFirst: [0, 0], first: [0, 0], insideBatch: [4, 4000], last: [9, 9000], afterLast: null },
  configsReadOnly: false,
  configCounts: { topic: 36, broker: 314 },
  retentionMs: { value: '604800000', source: 'DEFAULT_CONFIG' },
  segmentBytes: { value: '1073741824', source: 'DEFAULT_CONFIG' },
  topicsToolConfigs: '',
  adminWrites: {
    incrementalAlterConfigs: 'ok',
    createPartitions: 'ok',
    deleteRecords: 'ok',
    alterConsumerGroupOffsets: 'ok',
    deleteConsumerGroupOffsets: 'ok',
    deleteConsumerGroups: 'ok',
  },
};

const DEVELOPMENT: BrokerSpecifics = {
  topicIds: false,
  internalTopics: [],
  transactions: { outcome: 'refused', exception: 'TransactionalIdAuthorizationException' },
  // Node cannot inflate zstd: the answer is the batch's first record, never a later one.
  zstdTimestampLookups: { beforeFirst: [0, 0], first: [0, 0], insideBatch: [0, 0], last: [0, 0], afterLast: null },
  configsReadOnly: true,
  configCounts: { topic: 9, broker: 22 },
  retentionMs: { value: '-1', source: 'STATIC_BROKER_CONFIG' },
  segmentBytes: { value: '268435456', source: 'STATIC_BROKER_CONFIG' },
  topicsToolConfigs: 'retention.ms=-1,segment.bytes=268435456',
  // APIs it does not advertise: the client refuses the call itself, as with any Kafka lacking them.
  adminWrites: {
    incrementalAlterConfigs: 'UnsupportedVersionException',
    createPartitions: 'UnsupportedVersionException',
    deleteRecords: 'UnsupportedVersionException',
    alterConsumerGroupOffsets: 'ok',
    deleteConsumerGroupOffsets: 'UnsupportedVersionException',
    deleteConsumerGroups: 'UnsupportedVersionException',
  },
};

const BROKERS = [
  { name: 'Apache Kafka 3.9.1', start: () => startApacheKafkaUnderTest(DEFAULT_PARTITIONS, distribution), specifics: APACHE },
  { name: 'the development broker', start: () => startDevelopmentBrokerUnderTest(DEFAULT_PARTITIONS), specifics: DEVELOPMENT },
];

describe.each(BROKERS)('kafka-clients 3.9.1 and the Kafka tools against $name', ({ start, specifics }) => {
  let broker: BrokerUnderTest;
  let producerRun: Promise<ConformanceRun>;
  let groupRun: Promise<ConformanceRun>;
  let nodeId: number;

  beforeAll(async () => {
    broker = await start();
    // Their topics are their own: the two programs run side by side.
    producerRun = runConformance('ProducerConformance', distribution, broker.address, PREFIX);
    groupRun = runConformance('GroupConformance', distribution, broker.address, PREFIX);
  });

  afterAll(async () => {
    killRunningChildren();
    await broker?.stop();
  });

  it('an idempotent producer (acks=all) with each codec: every record read back intact and in order', async () => {
    const run = await producerRun;
    for (const codec of CODECS) {
      const facts = run.facts(`produce-consume-${codec}`);
      expect(facts.records, codec).toBe(300);
      expect(facts.perPartition, codec).toHaveLength(DEFAULT_PARTITIONS);
    }
  });

  it('a transactional producer commits, or is refused at initTransactions', async () => {
    expect((await producerRun).facts('transactions')).toMatchObject(specifics.transactions);
  });

  it('a group of two: the join splits the partitions, both commit, a new member resumes at the commits', async () => {
    const run = await groupRun;
    expect(run.facts('first-member')).toEqual({ assignment: [0, 1, 2, 3], generation: 1 });
    expect(run.facts('rebalance')).toMatchObject({
      memberA: [0, 1],
      memberB: [2, 3],
      memberAEvents: ['assigned [0, 1, 2, 3]', 'revoked [0, 1, 2, 3]', 'assigned [0, 1]'],
    });
    const byPartition = (value: unknown) => ({ 0: value, 1: value, 2: value, 3: value });
    expect(run.facts('consume-and-commit')).toEqual({ memberA: 20, memberB: 20, committed: byPartition(10) });
    expect(run.facts('resume-from-committed')).toMatchObject({
      committedAtStart: byPartition(10),
      offsets: byPartition([10, 11, 12, 13, 14]),
      committedAtEnd: byPartition(15),
    });
  });

  it('the AdminClient calls behind AKHQ: cluster, topics, configs, groups, offsets, lag, offsets for times, changes', async () => {
    await Promise.all([producerRun, groupRun]);
    const run = await runConformance('AdminConformance', distribution, broker.address, PREFIX);

    const cluster = run.facts('describe-cluster');
    nodeId = cluster.nodeId as number;
    expect(cluster).toMatchObject({ controller: nodeId, host: '127.0.0.1', port: Number(broker.address.split(':')[1]) });

    const topics = [...CODECS, 'group', 'transactions'].map((suffix) => `${PREFIX}-${suffix}`).sort();
    expect(run.facts('list-topics')).toEqual({ topics, internal: specifics.internalTopics });

    const described = run.facts('describe-topics') as Record<string, { partitions: number; topicId: string }>;
    expect(described[GROUP]!.partitions).toBe(4);
    expect(described[`${PREFIX}-zstd`]!.partitions).toBe(3);
    expect(described[GROUP]!.topicId !== 'AAAAAAAAAAAAAAAAAAAAAA').toBe(specifics.topicIds);

    const sameOnBoth = (value: string) => ({ value, source: 'DEFAULT_CONFIG', default: true, readOnly: specifics.configsReadOnly });
    const specific = ({ value, source }: { value: string; source: string }) => ({
      value,
      source,
      default: source === 'DEFAULT_CONFIG',
      readOnly: specifics.configsReadOnly,
    });
    expect(run.facts('describe-configs-topic').count).toBe(specifics.configCounts.topic);
    expect(run.facts('describe-configs-broker').count).toBe(specifics.configCounts.broker);
    expect(run.facts('describe-configs-topic').entries).toEqual({
      'cleanup.policy': sameOnBoth('delete'),
      'compression.type': sameOnBoth('producer'),
      'max.message.bytes': sameOnBoth('1048588'),
      'message.timestamp.type': sameOnBoth('CreateTime'),
      'min.insync.replicas': sameOnBoth('1'),
      'retention.bytes': sameOnBoth('-1'),
      'retention.ms': specific(specifics.retentionMs),
      'segment.bytes': specific(specifics.segmentBytes),
    });
    const brokerConfigs = run.facts('describe-configs-broker').entries as Record<string, { value: string }>;
    expect(Object.fromEntries(Object.entries(brokerConfigs).map(([name, entry]) => [name, entry.value]))).toEqual({
      'auto.create.topics.enable': 'true',
      'default.replication.factor': '1',
      'log.retention.bytes': '-1',
      'log.retention.hours': '168',
      'log.segment.bytes': specifics.segmentBytes.value,
      'message.max.bytes': '1048588',
      'min.insync.replicas': '1',
      'num.partitions': String(DEFAULT_PARTITIONS),
      'offsets.topic.replication.factor': '1',
    });

    expect(run.facts('list-consumer-groups')).toEqual({ groups: { [GROUP]: { state: 'Empty', type: 'Classic', simple: false } } });
    expect(run.facts('describe-consumer-groups')).toEqual({
      empty: { state: 'Empty', members: 0, assignor: '' },
      live: { state: 'Stable', assignor: 'range', clientId: 'conformance-live', host: '/127.0.0.1', assignment: [0, 1, 2, 3], simple: false },
    });
    expect(run.facts('offsets-and-lag')).toEqual({
      committed: { 0: 15, 1: 15, 2: 15, 3: 15 },
      end: { 0: 18, 1: 15, 2: 15, 3: 15 },
      start: { 0: 0, 1: 0, 2: 0, 3: 0 },
      lag: { 0: 3, 1: 0, 2: 0, 3: 0 },
    });
    const exact = { beforeFirst: [0, 0], first: [0, 0], insideBatch: [4, 4000], last: [9, 9000], afterLast: null };
    expect(run.facts('offsets-for-times-none')).toEqual({ codec: 'none', found: exact });
    expect(run.facts('offsets-for-times-zstd')).toEqual({ codec: 'zstd', found: specifics.zstdTimestampLookups });
    expect(run.facts('admin-writes')).toEqual({ outcomes: specifics.adminWrites });
  });

  it("Kafka's tools: kafka-topics --describe, kafka-consumer-groups --describe, kafka-console-consumer", async () => {
    const bootstrap = ['--bootstrap-server', broker.address];
    const [topicsTool, groupsTool, consoleConsumer] = await Promise.all([
      runKafkaTool('kafka-topics', [...bootstrap, '--describe', '--topic', `${PREFIX}-.*`], distribution),
      // Its admin calls get 5 s by default, too little on a loaded two-core machine.
      runKafkaTool('kafka-consumer-groups', [...bootstrap, '--describe', '--all-groups', '--timeout', '30000'], distribution),
      runKafkaTool(
        'kafka-console-consumer',
        [
          ...bootstrap,
          '--topic',
          `${PREFIX}-zstd`,
          '--from-beginning',
          '--max-messages',
          '300',
          '--timeout-ms',
          '30000',
          ...['print.partition', 'print.offset', 'print.headers', 'print.key'].flatMap((p) => ['--property', `${p}=true`]),
        ],
        distribution,
      ),
    ]);
    for (const tool of [topicsTool, groupsTool, consoleConsumer]) expect(tool.code, `${tool.command}\n${tool.stderr}`).toBe(0);

    const described = parseTopicsTool(topicsTool.stdout);
    const partitionCounts = { group: 4, 'times-none': 1, 'times-zstd': 1, transactions: 3, ...Object.fromEntries(CODECS.map((c) => [c, 3])) };
    expect(Object.fromEntries([...described].map(([name, t]) => [name, t.partitions.length]))).toEqual(
      Object.fromEntries(Object.entries(partitionCounts).map(([suffix, count]) => [`${PREFIX}-${suffix}`, count])),
    );
    for (const [name, topic] of described) {
      expect(topic.partitionCount, name).toBe(topic.partitions.length);
      expect(topic.topicId !== null, name).toBe(specifics.topicIds);
      expect(topic.configs, name).toBe(specifics.topicsToolConfigs);
      expect(topic.partitions, name).toEqual(
        topic.partitions.map((_, partition) => ({ partition, leader: nodeId, replicas: String(nodeId), isr: String(nodeId) })),
      );
    }

    expect(groupsTool.stderr).toContain(`Consumer group '${GROUP}' has no active members.`);
    expect(parseGroupLagRows(groupsTool.stdout, GROUP)).toEqual([
      { topic: GROUP, partition: 0, currentOffset: 15, logEndOffset: 18, lag: 3, consumerId: '-' },
      { topic: GROUP, partition: 1, currentOffset: 15, logEndOffset: 15, lag: 0, consumerId: '-' },
      { topic: GROUP, partition: 2, currentOffset: 15, logEndOffset: 15, lag: 0, consumerId: '-' },
      { topic: GROUP, partition: 3, currentOffset: 15, logEndOffset: 15, lag: 0, consumerId: '-' },
    ]);

    expect(consoleConsumer.stderr).toContain('Processed a total of 300 messages');
    const messages = consoleConsumer.stdout
      .split('\n')
      .filter((line) => line !== '')
      .map(parseConsoleLine);
    expect(messages).toHaveLength(300);
    expect(new Set(messages.map((m) => m.seq)).size).toBe(300);
    for (const m of messages) {
      expect(m.headers).toBe(`seq:${m.seq},codec:zstd,empty:`);
      expect(m.key).toBe(`key-${m.seq % 11}`);
      expect(m.value).toBe(m.seq % 25 === 0 ? 'null' : `value ${m.seq} ${'compressible text '.repeat(8)}`);
    }
    for (let partition = 0; partition < DEFAULT_PARTITIONS; partition++) {
      const offsets = messages.filter((m) => m.partition === partition).map((m) => m.offset);
      expect(offsets, `partition ${partition}`).toEqual(offsets.map((_, i) => i));
    }
  });
});

interface ToolTopic {
  topicId: string | null;
  partitionCount: number;
  configs: string;
  partitions: { partition: number; leader: number; replicas: string; isr: string }[];
}

/** kafka-topics --describe: a line per topic ("Topic: t\t[TopicId: id\t]PartitionCount: n ...") and per partition. */
function parseTopicsTool(stdout: string): Map<string, ToolTopic> {
  const topics = new Map<string, ToolTopic>();
  for (const line of stdout.split('\n')) {
    const topic = /^Topic: (\S+)\t(?:TopicId: (\S+)\t)?PartitionCount: (\d+)\tReplicationFactor: \d+\tConfigs: ?(.*)$/.exec(line);
    if (topic) topics.set(topic[1]!, { topicId: topic[2] ?? null, partitionCount: Number(topic[3]), configs: topic[4]!.trim(), partitions: [] });
    const partition = /^\tTopic: (\S+)\tPartition: (\d+)\tLeader: (-?\d+)\tReplicas: (\S*)\tIsr: (\S*)/.exec(line);
    if (partition)
      topics
        .get(partition[1]!)
        ?.partitions.push({ partition: Number(partition[2]), leader: Number(partition[3]), replicas: partition[4]!, isr: partition[5]! });
  }
  return topics;
}

/** kafka-consumer-groups --describe: GROUP TOPIC PARTITION CURRENT-OFFSET LOG-END-OFFSET LAG CONSUMER-ID HOST CLIENT-ID. */
function parseGroupLagRows(stdout: string, group: string) {
  return stdout
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter((columns) => columns[0] === group && columns.length === 9)
    .map(([, topic, partition, currentOffset, logEndOffset, lag, consumerId]) => ({
      topic,
      partition: Number(partition),
      currentOffset: Number(currentOffset),
      logEndOffset: Number(logEndOffset),
      lag: Number(lag),
      consumerId,
    }))
    .sort((a, b) => a.partition - b.partition);
}

/** "Partition:0\tOffset:5\tseq:7,codec:zstd,empty:\tkey-7\tvalue 7 ..." */
function parseConsoleLine(line: string) {
  const [partition, offset, headers, key, value] = line.split('\t');
  return {
    partition: Number(partition!.replace('Partition:', '')),
    offset: Number(offset!.replace('Offset:', '')),
    headers,
    seq: Number(/^seq:(\d+)/.exec(headers!)?.[1]),
    key,
    value,
  };
}
