// @orders-dwh/apache-kafka: Apache Kafka from Maven Central's jars as a plain JVM process (KRaft).
export * from './apache-kafka.ts';
export * from './apache-kafka-cluster.ts';
export * from './availability.ts';
export * from './distribution.ts';
export * from './free-port.ts';
export * from './tools.ts';
export * from './readiness.ts';
export * from './security/index.ts';
