// Can this machine run Apache Kafka? Java 17+, and either the jars already cached or Maven to fetch them.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { cacheRoot, hasMaven, javaCommand, javaFeatureVersion, kafkaVersion } from './distribution.ts';

export function apacheKafkaAvailability(env: NodeJS.ProcessEnv = process.env): { available: true } | { available: false; reason: string } {
  const feature = javaFeatureVersion(javaCommand(env));
  if (feature === null) return { available: false, reason: 'no Java runtime (java on PATH or JAVA_HOME) to run Apache Kafka' };
  if (feature < 17) return { available: false, reason: `Java ${feature} is too old for Apache Kafka (17 or newer)` };
  const cached = existsSync(path.join(cacheRoot(env), `kafka-${kafkaVersion()}`, '.complete'));
  if (!cached && !hasMaven()) return { available: false, reason: 'no Maven (mvn) to fetch Apache Kafka from Maven Central' };
  return { available: true };
}
