// @orders-dwh/shared/kafka: topics and consumer groups; importing it lets kafkajs read every Kafka codec.
import './kafka-codecs.ts';
export * from './consumer-groups.ts';
export * from './ensure-topics.ts';
export * from './group-lag.ts';
export * from './kafka-security.ts';
export * from './kafka-failure.ts';
