// @orders-dwh/shared/kafka: topics and consumer groups.
export * from './consumer-groups.ts';
export * from './ensure-topics.ts';
export * from './kafka-security.ts';
export * from './kafka-failure.ts';
