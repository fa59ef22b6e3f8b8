import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.ts';

describe('loadConfig defaults', () => {
  it('gives the documented defaults for an empty environment', () => {
    expect(loadConfig({})).toEqual({
      databaseUrl: 'postgres://postgres@127.0.0.1:5432/dwh',
      redisUrl: 'redis://127.0.0.1:6379',
      redisKeyPrefix: 'dwh:',
      kafkaBrokers: ['127.0.0.1:9092'],
      kafkaClientId: 'dwh-pipeline',
      kafkaSecurity: { tls: null, sasl: null },
      topics: { stg: 'stg_service', dds: 'dds_service', cdm: 'cdm_service', deadLetters: 'dead_letters' },
      topicPartitions: 6,
      topicReplicationFactor: 1,
      host: '127.0.0.1',
      ports: { source: 5011, stg: 5012, dds: 5013, cdm: 5014 },
      serviceUrls: { stg: 'http://127.0.0.1:5012', dds: 'http://127.0.0.1:5013', cdm: 'http://127.0.0.1:5014' },
      production: false,
      crash: { points: [], probability: 1 },
      kafkaRetry: { retries: 8, initialRetryTime: 200, maxRetryTime: 5000 },
      push: { maxN: 1_000_000, batchSize: 1000, apiKey: null, rateLimit: { max: 120, windowMs: 60_000 } },
      reference: { users: 100, restaurants: 10, seed: 42, reload: false },
      orderEvents: 'final',
      cancelShare: 0.1,
      stgCacheSize: 10_000,
      consumer: {
        maxBatchMessages: 1000,
        maxBytesPerPartition: 4 * 1024 * 1024,
        partitionsConcurrently: 3,
        sessionTimeoutMs: 30_000,
        batchDeadlineMs: 20_000,
        heartbeatIntervalMs: 3000,
        maxWaitMs: 500,
        retry: { retries: 10, initialRetryTime: 300, maxRetryTime: 10_000 },
      },
      postgres: { queryTimeoutMs: 30_000, statementTimeoutMs: 25_000, idleInTransactionTimeoutMs: 60_000 },
      redis: { commandTimeoutMs: 5000 },
      logLevel: 'info',
    });
  });

  it('treats empty and blank values as unset', () => {
    expect(loadConfig({ STG_PORT: '', TOPIC_STG: '   ', REF_RELOAD: ' ', PUSH_API_KEY: '  ' })).toEqual(loadConfig({}));
  });

  it('reads every variable it is given', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgresql://u@db:5433/x',
      REDIS_URL: 'rediss://cache:6380/2',
      REDIS_KEY_PREFIX: 't1:',
      KAFKA_BROKERS: ' kafka-1:9092, kafka-2:9093 ,',
      KAFKA_CLIENT_ID: 'me',
      KAFKA_SSL: 'true',
      KAFKA_SASL_MECHANISM: 'scram-sha-256',
      KAFKA_SASL_USERNAME: 'me',
      KAFKA_SASL_PASSWORD: 'pw',
      TOPIC_STG: 'a',
      TOPIC_DDS: 'b.x',
      TOPIC_CDM: 'c-y',
      TOPIC_DEAD_LETTERS: 'd_z',
      TOPIC_PARTITIONS: '12',
      TOPIC_REPLICATION_FACTOR: '3',
      HOST: '0.0.0.0',
      SOURCE_PORT: '1',
      STG_PORT: '2',
      DDS_PORT: '3',
      CDM_PORT: '0',
      STG_URL: 'http://stg:5012',
      DDS_URL: 'https://dds.internal/',
      CDM_URL: 'http://cdm:5014/',
      PUSH_MAX_N: '50',
      PUSH_BATCH_SIZE: '7',
      PUSH_API_KEY: ' secret ',
      PUSH_RATE_LIMIT_MAX: '0',
      PUSH_RATE_LIMIT_WINDOW_MS: '5000',
      REF_USERS: '5',
      REF_RESTAURANTS: '2',
      REF_SEED: '0',
      REF_RELOAD: 'YES',
      ORDER_EVENTS: 'lifecycle',
      CANCEL_SHARE: '0',
      STG_CACHE_SIZE: '1',
      CONSUMER_MAX_BATCH: '9',
      CONSUMER_MAX_BYTES_PER_PARTITION: '1024',
      CONSUMER_CONCURRENCY: '4',
      CONSUMER_SESSION_TIMEOUT_MS: '6000',
      BATCH_DEADLINE_MS: '1000',
      CONSUMER_HEARTBEAT_INTERVAL_MS: '1500',
      CONSUMER_MAX_WAIT_MS: '100',
      CONSUMER_RETRIES: '3',
      CONSUMER_RETRY_INITIAL_MS: '50',
      CONSUMER_RETRY_MAX_MS: '500',
      KAFKA_RETRIES: '2',
      KAFKA_RETRY_INITIAL_MS: '20',
      KAFKA_RETRY_MAX_MS: '2000',
      PG_QUERY_TIMEOUT_MS: '4000',
      PG_STATEMENT_TIMEOUT_MS: '3999',
      PG_IDLE_IN_TRANSACTION_TIMEOUT_MS: '1000',
      REDIS_COMMAND_TIMEOUT_MS: '100',
      LOG_LEVEL: 'silent',
      NODE_ENV: 'production',
      STAGE_CRASH_POINT: 'after-commit, before-commit,after-commit',
      STAGE_CRASH_PROBABILITY: '0.5',
    });
    expect(config).toEqual({
      databaseUrl: 'postgresql://u@db:5433/x',
      redisUrl: 'rediss://cache:6380/2',
      redisKeyPrefix: 't1:',
      kafkaBrokers: ['kafka-1:9092', 'kafka-2:9093'],
      kafkaClientId: 'me',
      kafkaSecurity: { tls: { caFile: null, certFile: null, keyFile: null }, sasl: { mechanism: 'scram-sha-256', username: 'me', password: 'pw' } },
      topics: { stg: 'a', dds: 'b.x', cdm: 'c-y', deadLetters: 'd_z' },
      topicPartitions: 12,
      topicReplicationFactor: 3,
      host: '0.0.0.0',
      ports: { source: 1, stg: 2, dds: 3, cdm: 0 },
      serviceUrls: { stg: 'http://stg:5012', dds: 'https://dds.internal', cdm: 'http://cdm:5014' },
      production: true,
      crash: { points: ['after-commit', 'before-commit'], probability: 0.5 },
      push: { maxN: 50, batchSize: 7, apiKey: 'secret', rateLimit: { max: 0, windowMs: 5000 } },
      reference: { users: 5, restaurants: 2, seed: 0, reload: true },
      orderEvents: 'lifecycle',
      cancelShare: 0,
      stgCacheSize: 1,
      consumer: {
        maxBatchMessages: 9,
        maxBytesPerPartition: 1024,
        partitionsConcurrently: 4,
        sessionTimeoutMs: 6000,
        batchDeadlineMs: 1000,
        heartbeatIntervalMs: 1500,
        maxWaitMs: 100,
        retry: { retries: 3, initialRetryTime: 50, maxRetryTime: 500 },
      },
      kafkaRetry: { retries: 2, initialRetryTime: 20, maxRetryTime: 2000 },
      postgres: { queryTimeoutMs: 4000, statementTimeoutMs: 3999, idleInTransactionTimeoutMs: 1000 },
      redis: { commandTimeoutMs: 100 },
      logLevel: 'silent',
    });
  });

  it('keeps the statement timeout below the query timeout by default', () => {
    expect(loadConfig({ PG_QUERY_TIMEOUT_MS: '60000' }).postgres.statementTimeoutMs).toBe(55_000);
    expect(loadConfig({ PG_QUERY_TIMEOUT_MS: '5000' }).postgres.statementTimeoutMs).toBe(4000);
    expect(loadConfig({ PG_QUERY_TIMEOUT_MS: '1000' }).postgres.statementTimeoutMs).toBe(800);
  });

  it('refuses a statement timeout that is not below the query timeout', () => {
    expect(() => loadConfig({ PG_STATEMENT_TIMEOUT_MS: '30000' })).toThrow(/PG_STATEMENT_TIMEOUT_MS must be lower than PG_QUERY_TIMEOUT_MS \(30000\)/);
    expect(() => loadConfig({ PG_QUERY_TIMEOUT_MS: '2000', PG_STATEMENT_TIMEOUT_MS: '5000' })).toThrow(ConfigError);
  });

  it('reads booleans in their usual spellings', () => {
    for (const yes of ['1', 'true', 'TRUE', 'yes']) expect(loadConfig({ REF_RELOAD: yes }).reference.reload).toBe(true);
    for (const no of ['0', 'false', 'No']) expect(loadConfig({ REF_RELOAD: no }).reference.reload).toBe(false);
  });
});

// Every variable that is validated, with values it must refuse.
const invalid: Record<string, string[]> = {
  DATABASE_URL: ['not a url', 'mysql://127.0.0.1/dwh', 'localhost:5432'],
  REDIS_URL: ['127.0.0.1:6379', 'http://127.0.0.1:6379'],
  KAFKA_BROKERS: ['localhost', 'a:9092,b', 'host:port', ',', ' , '],
  TOPIC_STG: ['has space', 'slash/topic', '..'],
  TOPIC_DDS: ['é'],
  TOPIC_CDM: ['a:b'],
  TOPIC_DEAD_LETTERS: ['x'.repeat(250)],
  TOPIC_PARTITIONS: ['0', '1001', '2.5', 'six', '-1'],
  TOPIC_REPLICATION_FACTOR: ['0', '33', '1.5', 'three'],
  SOURCE_PORT: ['65536', '-1', 'http'],
  STG_PORT: ['1.5'],
  DDS_PORT: ['99999'],
  CDM_PORT: ['0x'],
  STG_URL: ['stg:5012', 'ftp://stg'],
  DDS_URL: ['not a url'],
  CDM_URL: ['redis://cdm:5014'],
  STAGE_CRASH_POINT: ['after-lunch', 'after-commit,never'],
  CONSUMER_HEARTBEAT_INTERVAL_MS: ['99', '10001', 'often'],
  CONSUMER_MAX_WAIT_MS: ['-1', '30001'],
  CONSUMER_RETRIES: ['101', 'many'],
  KAFKA_RETRY_INITIAL_MS: ['0'],
  KAFKA_RETRY_MAX_MS: ['100'],
  STAGE_CRASH_PROBABILITY: ['2', '-1', 'often'],
  PUSH_MAX_N: ['0', '100000001', '1e3.5'],
  PUSH_BATCH_SIZE: ['0', '100001'],
  PUSH_RATE_LIMIT_MAX: ['-1', '1000001', 'many'],
  PUSH_RATE_LIMIT_WINDOW_MS: ['999', '86400001'],
  REF_USERS: ['0', 'many'],
  REF_RESTAURANTS: ['0', '100001'],
  REF_SEED: ['-1', '2147483648'],
  REF_RELOAD: ['maybe', '2'],
  ORDER_EVENTS: ['all', 'FINAL'],
  CANCEL_SHARE: ['1.5', '-0.1', 'half', 'NaN', 'Infinity'],
  STG_CACHE_SIZE: ['0', '10000001'],
  CONSUMER_MAX_BATCH: ['0', '100001'],
  CONSUMER_MAX_BYTES_PER_PARTITION: ['1023', '268435457'],
  CONSUMER_CONCURRENCY: ['0', '101'],
  CONSUMER_SESSION_TIMEOUT_MS: ['5999', '1800001', 'soon'],
  BATCH_DEADLINE_MS: ['999', '30000', '1800001', '1m'],
  PG_QUERY_TIMEOUT_MS: ['999', '3600001', '30s'],
  PG_STATEMENT_TIMEOUT_MS: ['499', '3600001', '-1', '30000'],
  PG_IDLE_IN_TRANSACTION_TIMEOUT_MS: ['999', '86400001', 'off'],
  REDIS_COMMAND_TIMEOUT_MS: ['99', '600001', '0'],
  LOG_LEVEL: ['loud', 'INFO', 'warning'],
};

describe('loadConfig refuses invalid values', () => {
  for (const [name, values] of Object.entries(invalid)) {
    for (const value of values) {
      it(`${name}=${JSON.stringify(value.length > 20 ? `${value.slice(0, 20)}...` : value)} is a ConfigError naming ${name}`, () => {
        let thrown: unknown;
        try {
          loadConfig({ [name]: value });
        } catch (error) {
          thrown = error;
        }
        expect(thrown).toBeInstanceOf(ConfigError);
        expect((thrown as ConfigError).name).toBe('ConfigError');
        expect((thrown as ConfigError).message).toContain(name);
      });
    }
  }

  it('accepts the bounds of every integer range', () => {
    expect(loadConfig({ TOPIC_PARTITIONS: '1' }).topicPartitions).toBe(1);
    expect(loadConfig({ TOPIC_PARTITIONS: '1000' }).topicPartitions).toBe(1000);
    expect(loadConfig({ SOURCE_PORT: '65535' }).ports.source).toBe(65535);
    expect(loadConfig({ REF_SEED: String(2 ** 31 - 1) }).reference.seed).toBe(2 ** 31 - 1);
    expect(loadConfig({ CANCEL_SHARE: '1' }).cancelShare).toBe(1);
    expect(loadConfig({ BATCH_DEADLINE_MS: '1000' }).consumer.batchDeadlineMs).toBe(1000);
    // The deadline stays below the session timeout, by default and when set.
    expect(loadConfig({ CONSUMER_SESSION_TIMEOUT_MS: '6000' }).consumer.batchDeadlineMs).toBe(5000);
    expect(loadConfig({ CONSUMER_SESSION_TIMEOUT_MS: '120000', BATCH_DEADLINE_MS: '119999' }).consumer.batchDeadlineMs).toBe(119_999);
    expect(() => loadConfig({ CONSUMER_SESSION_TIMEOUT_MS: '6000', BATCH_DEADLINE_MS: '6000' })).toThrow(
      'BATCH_DEADLINE_MS must be lower than CONSUMER_SESSION_TIMEOUT_MS (6000), got "6000"',
    );
    expect(loadConfig({ PG_QUERY_TIMEOUT_MS: '3600000', PG_STATEMENT_TIMEOUT_MS: '500', PG_IDLE_IN_TRANSACTION_TIMEOUT_MS: '86400000' }).postgres).toEqual({
      queryTimeoutMs: 3_600_000,
      statementTimeoutMs: 500,
      idleInTransactionTimeoutMs: 86_400_000,
    });
    expect(loadConfig({ REDIS_COMMAND_TIMEOUT_MS: '600000' }).redis.commandTimeoutMs).toBe(600_000);
  });
});
