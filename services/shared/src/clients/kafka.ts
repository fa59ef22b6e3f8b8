import { Kafka, logLevel as KafkaLogLevel, type LogEntry, type Producer } from 'kafkajs';
import type { Logger } from '../logger.ts';

const toPino = {
  [KafkaLogLevel.ERROR]: 'error',
  [KafkaLogLevel.WARN]: 'warn',
  [KafkaLogLevel.INFO]: 'info',
  [KafkaLogLevel.DEBUG]: 'debug',
  [KafkaLogLevel.NOTHING]: 'silent',
} as const;

export function createKafka(brokers: string[], clientId: string, log: Logger): Kafka {
  const kafkaLog = log.child({ component: 'kafkajs' });
  return new Kafka({
    clientId,
    brokers,
    logLevel: KafkaLogLevel.WARN,
    retry: { initialRetryTime: 200, retries: 8, maxRetryTime: 5000 },
    logCreator:
      () =>
      ({ level, log: { message, ...extra } }: LogEntry) => {
        const method = toPino[level as keyof typeof toPino] ?? 'info';
        if (method !== 'silent') kafkaLog[method](extra, message);
      },
  });
}

/** An idempotent producer: acks from all replicas, retries never duplicate a batch. */
export function createProducer(kafka: Kafka): Producer {
  return kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: true });
}
