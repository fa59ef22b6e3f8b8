// One producer's share of the benchmark's messages (run in the main thread or in a worker).
import { randomBytes } from 'node:crypto';
import { Kafka, Partitioners, logLevel, type Message } from 'kafkajs';

export interface ProducerLoad {
  address: string;
  topic: string;
  totalMessages: number;
  size: number;
  partitions: number;
  batchSize: number;
  /** Sends in flight at once for this producer. */
  concurrency: number;
  acks: number;
  keys: boolean;
  /** This producer sends batches share, share + shares, share + 2 * shares, ... */
  share: number;
  shares: number;
}

/** Sends this share's batches; resolves with the number of messages acknowledged. */
export async function produceShare(load: ProducerLoad): Promise<number> {
  const kafka = new Kafka({ clientId: `broker-bench-producer-${load.share}`, brokers: [load.address], logLevel: logLevel.ERROR });
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
  await producer.connect();
  const value = randomBytes(load.size);
  const batches = Math.ceil(load.totalMessages / load.batchSize);
  let next = load.share;
  let acknowledged = 0;
  const sender = async () => {
    for (let b = next; b < batches; b = next) {
      next += load.shares;
      const first = b * load.batchSize;
      const count = Math.min(load.batchSize, load.totalMessages - first);
      // Without keys each send goes to one partition (round robin): one record batch per request.
      // With keys kafkajs hashes each key, so a send is spread over every partition.
      const messages: Message[] = load.keys
        ? Array.from({ length: count }, (_, i) => ({ key: String(first + i), value }))
        : Array.from({ length: count }, () => ({ value, partition: b % load.partitions }));
      await producer.send({ topic: load.topic, acks: load.acks, messages });
      acknowledged += count;
    }
  };
  try {
    await Promise.all(Array.from({ length: load.concurrency }, sender));
  } finally {
    await producer.disconnect();
  }
  return acknowledged;
}
