import { defineConfig } from 'vitest/config';
// The package's public entry by path: Vite bundles this file and cannot hand TypeScript packages to Node.
import { apacheKafkaAvailability } from './kafka/src/index.ts';

// The suites that carry the pipeline's guarantees run twice: on the development broker
// (integration) and on Apache Kafka (integration-apache), switched by TEST_KAFKA in
// test/support/kafka-under-test.ts. kafka/test holds what only Apache Kafka can show.
const ON_BOTH_KAFKAS = [
  'test/e2e/pipeline.int.test.ts',
  'test/e2e/npm-start.int.test.ts',
  'test/e2e/dashboard.int.test.ts',
  'services/source/test/dashboard.int.test.ts',
  'test/reliability/crash.int.test.ts',
  'test/reliability/outages.int.test.ts',
  'test/reliability/hangs.int.test.ts',
  'test/reliability/poison-examples.int.test.ts',
  'test/reliability/graceful-shutdown.int.test.ts',
  'test/reliability/redrive.int.test.ts',
  'test/reliability/lifecycle.int.test.ts',
  'test/reliability/large-batches.int.test.ts',
  'test/reliability/compressed-input.int.test.ts',
];
const APACHE_ONLY = [
  'kafka/test/**/*.int.test.ts',
  'test/reliability/three-brokers.int.test.ts',
  'test/e2e/secure-kafka-pipeline.int.test.ts',
  'test/deploy/secure-kafka-compose.int.test.ts',
  'test/e2e/kafka-client-certificate.int.test.ts',
];

const integration = {
  testTimeout: 120_000,
  hookTimeout: 60_000,
  fileParallelism: false,
};

const apache = apacheKafkaAvailability();
if (!apache.available) {
  if (process.env.REQUIRE_APACHE_KAFKA === '1') throw new Error(`REQUIRE_APACHE_KAFKA=1 but ${apache.reason}`);
  console.warn(`integration-apache skipped: ${apache.reason}`);
}

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          sequence: { groupOrder: 0 },
          include: ['**/test/**/*.test.ts'],
          exclude: ['**/node_modules/**', '**/*.int.test.ts'],
        },
      },
      {
        test: {
          name: 'integration',
          sequence: { groupOrder: 1 },
          include: ['**/test/**/*.int.test.ts'],
          exclude: ['**/node_modules/**', ...APACHE_ONLY],
          ...integration,
        },
      },
      ...(apache.available
        ? [
            {
              test: {
                name: 'integration-apache',
                sequence: { groupOrder: 2 },
                include: [...ON_BOTH_KAFKAS, ...APACHE_ONLY],
                env: { TEST_KAFKA: 'apache' },
                globalSetup: ['test/support/apache-kafka-global.ts'],
                setupFiles: ['test/support/apache-kafka-setup.ts'],
                ...integration,
                hookTimeout: 180_000,
              },
            },
          ]
        : []),
    ],
  },
});
