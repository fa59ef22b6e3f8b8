import type { Kafka } from 'kafkajs';

/**
 * Creates the topics that do not exist yet, with the given partition count and replication factor
 * (1 for a single broker; 3 on a cluster, with the brokers' min.insync.replicas=2); existing ones stay.
 */
export async function ensureTopics(kafka: Kafka, topics: string[], numPartitions: number, replicationFactor = 1): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((topic) => !existing.has(topic));
    if (missing.length > 0) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((topic) => ({ topic, numPartitions, replicationFactor })),
      });
    }
  } finally {
    await admin.disconnect();
  }
}
