import { AsyncLocalStorage } from 'node:async_hooks';
import type { Config } from '../config.ts';
import kafkajs, {
  Kafka,
  logLevel as KafkaLogLevel,
  Partitioners,
  type ICustomPartitioner,
  type LogEntry,
  type PartitionerArgs,
  type Producer,
  type ProducerBatch,
  type ProducerRecord,
  type RecordMetadata,
} from 'kafkajs';
import { kafkajsSecurity } from '../kafka/kafka-security.ts';
import '../kafka/kafka-codecs.ts';
import type { Logger } from '../logger.ts';

// Our exactly-once guarantee does not rest on the producer retrying forever: a send that gives up
// fails its batch, which is retried from the last committed offset and written idempotently.
const IGNORED_MESSAGES = new Set(['Limiting retries for the idempotent producer may invalidate EoS guarantees']);

const toPino = {
  [KafkaLogLevel.ERROR]: 'error',
  [KafkaLogLevel.WARN]: 'warn',
  [KafkaLogLevel.INFO]: 'info',
  [KafkaLogLevel.DEBUG]: 'debug',
  [KafkaLogLevel.NOTHING]: 'silent',
} as const;

/** What a Kafka client is made from: the brokers, KAFKA_CLIENT_ID, the retries, TLS and SASL. */
export type KafkaSettings = Pick<Config, 'kafkaBrokers' | 'kafkaClientId' | 'kafkaRetry' | 'kafkaSecurity'>;

/** kafkajs as the settings say, its client id `<KAFKA_CLIENT_ID>-<role>`, its lines in `log`. */
export function createKafka(
  settings: KafkaSettings,
  role: string,
  log: Logger,
  /** Whether kafkajs's own lines are logged now: a service quiets them until connected, having said why it is not. */
  loud: () => boolean = () => true,
): Kafka {
  const kafkaLog = log.child({ component: 'kafkajs' });
  return new Kafka({
    clientId: `${settings.kafkaClientId}-${role}`,
    brokers: settings.kafkaBrokers,
    ...kafkajsSecurity(settings.kafkaSecurity),
    logLevel: KafkaLogLevel.WARN,
    retry: settings.kafkaRetry,
    logCreator:
      () =>
      ({ level, log: { message, ...extra } }: LogEntry) => {
        const method = toPino[level as keyof typeof toPino] ?? 'info';
        if (method !== 'silent' && !IGNORED_MESSAGES.has(message) && loud()) kafkaLog[method](extra, message);
      },
  });
}

// kafkajs's error classes are not among the names Node can import from it (CommonJS), only its default export.
const { KafkaJSError } = kafkajs;

/**
 * kafkajs resolved a send although some of its partitions were never acknowledged: their messages
 * may not be on the topic. A KafkaJS error, so that callers treat it as the transient Kafka failure
 * it is (the stage runner retries the batch, a push answers 503 with what was acknowledged before).
 */

export class KafkaJSIncompleteSendError extends KafkaJSError {
  override readonly name = 'KafkaJSIncompleteSendError';
  constructor(readonly partitions: string[]) {
    super(`kafkajs reported the send as done, but ${partitions.join(', ')} never acknowledged its messages (a retry after a leader change skipped them)`, {
      retriable: true,
    });
  }
}

/** The topic-partitions messages were last assigned to that are missing from a send's successful results. */
export function unacknowledgedPartitions(assigned: Iterable<string>, results: RecordMetadata[]): string[] {
  const acknowledged = new Set(results.filter((r) => r.errorCode === 0).map((r) => `${r.topicName}[${r.partition}]`));
  return [...new Set(assigned)].filter((target) => !acknowledged.has(target)).sort();
}

/**
 * An idempotent producer: acks from all replicas, and a send resolves only once every partition it
 * wrote to acknowledged its messages.
 *
 * Two kafkajs 2.2.4 flaws show on a cluster when a partition leader dies, and this wrapper closes
 * them (test/reliability/three-brokers.int.test.ts shows both):
 * - kafkajs retries a failed send only towards the brokers that have not answered yet; a partition
 *   whose leadership moved to a broker that had already answered for its own partitions is skipped,
 *   and send() resolves as if it had been written (acknowledged orders missing from the topic).
 *   The partitioner records where each message of the send went last; a send whose results lack one
 *   of those partitions fails with KafkaJSIncompleteSendError instead.
 * - After a failed request kafkajs rolls its sequence numbers back even when the broker did write
 *   the batch (the leader died before answering, the answer timed out), so the next batch to that
 *   partition either repeats a written batch's numbers (the broker acknowledges it as a duplicate and
 *   drops it) or skips ahead (OUT_OF_ORDER_SEQUENCE_NUMBER on every later send). So after a send
 *   fails or comes back incomplete, the next one goes through a new kafkajs producer (a new producer
 *   id, fresh sequence numbers); the old one is disconnected once its sends in flight settle.
 * Re-sending then may write a message twice; every stage is idempotent, so a duplicate changes nothing.
 */
export function createProducer(kafka: Kafka): Producer {
  /** Per send: each message → the topic-partition the partitioner gave it last (kafkajs re-partitions on each retry). */
  const assignments = new AsyncLocalStorage<Map<object, string>>();
  const recordingPartitioner: ICustomPartitioner = () => {
    const choose = Partitioners.DefaultPartitioner();
    return (args: PartitionerArgs) => {
      const partition = choose(args);
      assignments.getStore()?.set(args.message, `${args.topic}[${partition}]`);
      return partition;
    };
  };
  // No compression: measured with `npm run bench` (50,000 orders), gzip cost 10 % of the throughput
  // on this CPU-bound 2-core machine; the runner keeps each request under the 1 MiB batch limit.
  const make = () => kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: true, createPartitioner: recordingPartitioner });

  let current = make();
  /** current's connection, made by connect() or, after a replacement, by the next send. */
  let connecting: Promise<void> | null = null;
  const inFlight = new Map<Producer, number>();
  const retired = new Set<Producer>();

  const connectCurrent = (): Promise<void> => {
    const producer = current;
    connecting ??= producer.connect().catch((error: unknown) => {
      if (producer === current) connecting = null;
      throw error;
    });
    return connecting;
  };
  const retire = (producer: Producer) => {
    if (producer !== current) return;
    retired.add(producer);
    current = make();
    connecting = null;
  };
  const settle = (producer: Producer) => {
    const left = (inFlight.get(producer) ?? 1) - 1;
    if (left > 0) inFlight.set(producer, left);
    else inFlight.delete(producer);
    if (left <= 0 && retired.delete(producer)) void producer.disconnect().catch(() => {});
  };

  async function complete(send: (producer: Producer) => Promise<RecordMetadata[]>): Promise<RecordMetadata[]> {
    let producer: Producer;
    do {
      producer = current;
      await connectCurrent();
    } while (producer !== current); // replaced by a failed send meanwhile: connect the new one
    inFlight.set(producer, (inFlight.get(producer) ?? 0) + 1);
    const assigned = new Map<object, string>();
    try {
      const results = await assignments.run(assigned, () => send(producer));
      const missing = unacknowledgedPartitions(assigned.values(), results);
      if (missing.length > 0) throw new KafkaJSIncompleteSendError(missing);
      return results;
    } catch (error) {
      retire(producer);
      throw error;
    } finally {
      settle(producer);
    }
  }

  return {
    connect: connectCurrent,
    async disconnect() {
      const all = [current, ...retired];
      retired.clear();
      connecting = null;
      await Promise.all(all.map((producer) => producer.disconnect()));
    },
    send: (record: ProducerRecord) => complete((producer) => producer.send(record)),
    sendBatch: (batch: ProducerBatch) => complete((producer) => producer.sendBatch(batch)),
    isIdempotent: () => true,
    get events() {
      return current.events;
    },
    // Instrumentation listeners attach to the kafkajs producer in use when they are added.
    on: ((eventName: never, listener: never) => current.on(eventName, listener)) as Producer['on'],
    transaction: () => current.transaction(),
    logger: () => current.logger(),
  };
}
