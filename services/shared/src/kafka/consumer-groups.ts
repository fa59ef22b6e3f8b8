// The consumer groups of the consuming services, and their progress as Kafka keeps it: what the
// dashboard, the benchmarks and the tests read to know how far each stage has got.
import type { Admin } from 'kafkajs';

/** The group every instance of a consuming service (stg, dds, cdm) joins. */
export const consumerGroupId = (service: string) => `${service}-service`;

/** Sum of the group's committed offsets over the topic's partitions (an uncommitted partition counts 0): messages processed. */
export async function committedTotal(admin: Admin, groupId: string, topic: string): Promise<number> {
  const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
  return (committed?.partitions ?? []).reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
}

/** Sum of the topic's end offsets: messages ever written to it. */
export async function endOffsetTotal(admin: Admin, topic: string): Promise<number> {
  return (await admin.fetchTopicOffsets(topic)).reduce((sum, p) => sum + Number(p.high), 0);
}
