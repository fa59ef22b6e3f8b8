import type { Producer } from 'kafkajs';
import { chunkByBytes } from '@orders-dwh/shared/stage';
import type { OrderSink } from './push-orders.ts';

/**
 * Sends orders to the stg topic; resolves when every replica acknowledged them. A large push batch
 * goes as several requests, in order, so that no partition's record batch exceeds the broker's
 * message size limit (a lifecycle batch of 1000 orders is about 2.6 MB).
 */
export function createKafkaOrderSink(producer: Producer, topic: string): OrderSink {
  return {
    async send(messages) {
      for (const request of chunkByBytes(messages)) await producer.send({ topic, messages: request, acks: -1 });
    },
  };
}
