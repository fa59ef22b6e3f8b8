// A batch's output goes to one partition (same key, same partition count upstream and down), and a
// broker refuses a record batch over message.max.bytes (1 MiB by default). Sending a large batch as
// several smaller requests, in order, keeps every record batch under that limit.

import type { Producer } from 'kafkajs';

/** What one produce request may carry, in key and value bytes; well under the 1 MiB default. */
export const MAX_REQUEST_BYTES = 512 * 1024;

export interface SizedMessage {
  key?: string | Buffer | null;
  value: string | Buffer | null;
}

const bytes = (data: string | Buffer | null | undefined) => (data == null ? 0 : typeof data === 'string' ? Buffer.byteLength(data) : data.length);

/** Consecutive runs of the messages, in order, each adding up to at most maxBytes (a bigger message goes alone). */
export function chunkByBytes<M extends SizedMessage>(messages: readonly M[], maxBytes = MAX_REQUEST_BYTES): M[][] {
  const chunks: M[][] = [];
  let current: M[] = [];
  let size = 0;
  for (const message of messages) {
    const n = bytes(message.key) + bytes(message.value);
    if (current.length > 0 && size + n > maxBytes) {
      chunks.push(current);
      current = [];
      size = 0;
    }
    current.push(message);
    size += n;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/** A message for a topic, as sendInOrder takes it. */
export interface TopicMessage extends SizedMessage {
  topic: string;
}

/**
 * Sends the messages in their order, in requests of at most maxBytes (each grouped by topic), every
 * one acknowledged by all replicas before the next; a failure rejects and sends no later request.
 */
export async function sendInOrder(producer: Pick<Producer, 'sendBatch'>, messages: readonly TopicMessage[], maxBytes = MAX_REQUEST_BYTES): Promise<void> {
  for (const request of chunkByBytes(messages, maxBytes)) {
    const byTopic = new Map<string, Array<{ key?: string | Buffer | null; value: string | Buffer | null }>>();
    for (const { topic, key, value } of request) {
      const list = byTopic.get(topic) ?? byTopic.set(topic, []).get(topic)!;
      list.push({ key, value });
    }
    await producer.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, list]) => ({ topic, messages: list })) });
  }
}
