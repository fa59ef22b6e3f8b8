import type { Producer } from 'kafkajs';
import type { OrderSink } from './push-orders.ts';

/** Sends orders to the stg topic; resolves when every replica acknowledged them. */
export function createKafkaOrderSink(producer: Producer, topic: string): OrderSink {
  return {
    async send(messages) {
      await producer.send({ topic, messages, acks: -1 });
    },
  };
}
