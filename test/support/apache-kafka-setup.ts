// Runs in each test file of the integration-apache project: the file's Apache Kafka stops after its last test.
import { afterAll } from 'vitest';
import { stopSharedApacheKafka } from './kafka-under-test.ts';

afterAll(() => stopSharedApacheKafka(), 60_000);
