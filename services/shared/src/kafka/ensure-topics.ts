import type { Admin, Kafka } from 'kafkajs';

/**
 * Creates the topics that do not exist yet, with the given partition count and replication factor
 * (1 for a single broker; 3 on a cluster, with the brokers' min.insync.replicas=2); existing ones stay.
 * Resolves once every partition of the new topics has a leader.
 */
export async function ensureTopics(kafka: Kafka, topics: string[], numPartitions: number, replicationFactor = 1, timeoutMs = 30_000): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((topic) => !existing.has(topic));
    if (missing.length > 0) {
      // Not kafkajs's waitForLeaders: it asks the broker that took the request for the new topics'
      // metadata, which on a cluster may not know them yet (UNKNOWN_TOPIC_OR_PARTITION), and gives up.
      await admin.createTopics({ waitForLeaders: false, topics: missing.map((topic) => ({ topic, numPartitions, replicationFactor })) });
      await waitForLeaders(admin, missing, timeoutMs);
    }
  } finally {
    await admin.disconnect();
  }
}

async function waitForLeaders(admin: Admin, topics: string[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const { topics: metadata } = await admin.fetchTopicMetadata({ topics });
      if (metadata.length === topics.length && metadata.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))) return;
      last = 'some partitions have no leader yet';
    } catch (error) {
      // A broker that has not heard of the new topics yet; any other error is not ours to wait out.
      const { type, cause } = error as { type?: string; cause?: { type?: string } };
      const reason = type ?? cause?.type;
      if (reason !== 'UNKNOWN_TOPIC_OR_PARTITION' && reason !== 'LEADER_NOT_AVAILABLE') throw error;
      last = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`topics ${topics.join(', ')} created, but not every partition had a leader within ${timeoutMs} ms: ${last}`);
}
