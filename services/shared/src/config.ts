// Configuration is read from the environment once, validated, and passed down as a typed object.
// Every variable is documented in .env_template; nothing else in the services and scripts reads the
// environment (the Apache Kafka launcher in kafka/ has its own: JAVA_HOME, KAFKA_CACHE_DIR ...).
import { bool, ConfigError, type Env, fraction, int, oneOf, port, secret, str, topic, url } from './config-values.ts';
import { type KafkaSecurity, loadKafkaSecurity } from './kafka/kafka-security.ts';
import { CRASH_POINTS, type CrashPoint } from './stage/crash-point.ts';

export { ConfigError } from './config-values.ts';

export interface Config {
  databaseUrl: string;
  redisUrl: string;
  /** Prefix of every Redis key this project writes, so tests and tenants never collide. */
  redisKeyPrefix: string;
  kafkaBrokers: string[];
  kafkaClientId: string;
  /** TLS and SASL of every Kafka client (KAFKA_SSL*, KAFKA_SASL*); plaintext by default. */
  kafkaSecurity: KafkaSecurity;
  topics: { stg: string; dds: string; cdm: string; deadLetters: string };
  topicPartitions: number;
  topicReplicationFactor: number;
  host: string;
  ports: { source: number; stg: number; dds: number; cdm: number };
  /** Where the dashboard (on source) reaches the other services: /health, /metrics, cdm's read API. */
  serviceUrls: { stg: string; dds: string; cdm: string };
  push: {
    maxN: number;
    batchSize: number;
    apiKey: string | null;
    /** Pushes one client address may make per window (0: no limit), counted by each source instance. */
    rateLimit: { max: number; windowMs: number };
  };
  reference: { users: number; restaurants: number; seed: number; reload: boolean };
  /** 'final': one event per order with its whole status history; 'lifecycle': one event per status. */
  orderEvents: 'final' | 'lifecycle';
  /** Share of generated orders that end CANCELLED instead of CLOSED. */
  cancelShare: number;
  /** Users and restaurants stg keeps in memory between Redis lookups. */
  stgCacheSize: number;
  consumer: {
    maxBatchMessages: number;
    maxBytesPerPartition: number;
    partitionsConcurrently: number;
    /** How long the group waits for a silent (e.g. killed) instance before moving its partitions. */
    sessionTimeoutMs: number;
    /** Longest a batch may take (write, forward, commit) before the runner aborts and retries it. */
    batchDeadlineMs: number;
    /** How often the consumer tells the group it is alive: at most a third of the session. */
    heartbeatIntervalMs: number;
    /** How long a fetch waits for data before answering empty. */
    maxWaitMs: number;
    /** kafkajs's retries of a failing consumer request before the consumer crashes (and is rebuilt). */
    retry: KafkaRetry;
  };
  /** kafkajs's retries of the producer's and admin's requests. */
  kafkaRetry: KafkaRetry;
  postgres: {
    /** Client side: a query with no answer after this long fails and its connection is discarded. */
    queryTimeoutMs: number;
    /** Server side (statement_timeout): Postgres cancels a longer statement; below queryTimeoutMs. */
    statementTimeoutMs: number;
    /** Server side: Postgres ends a session idle inside a transaction this long, releasing its locks. */
    idleInTransactionTimeoutMs: number;
  };
  redis: {
    /** A command with no answer after this long fails and the connection is dropped and made again. */
    commandTimeoutMs: number;
  };
  logLevel: string;
  /** NODE_ENV=production: JSON logs even at a terminal. */
  production: boolean;
  /** Fault injection for the crash tests only (STAGE_CRASH_POINT): none outside them. */
  crash: { points: CrashPoint[]; probability: number };
}

export interface KafkaRetry {
  retries: number;
  initialRetryTime: number;
  maxRetryTime: number;
}

/** The producer's and admin's retries unless KAFKA_RETRIES and the like say otherwise. */
export const KAFKA_RETRY_DEFAULTS: KafkaRetry = { retries: 8, initialRetryTime: 200, maxRetryTime: 5000 };

/** What `npm start` needs before it can run anything: which local Kafka, on which port, with its data where. */
export interface LocalKafkaConfig {
  kind: 'development' | 'apache';
  port: number;
  /** Relative to the project's root unless absolute. */
  devBrokerDataDir: string;
  apacheDataDir: string;
  partitions: number;
}

// Kafka's default group.min/max.session.timeout.ms: brokers refuse values outside.
const sessionTimeout = (env: Env) => int(env, 'CONSUMER_SESSION_TIMEOUT_MS', 30_000, 6000, 1_800_000);
const topicPartitions = (env: Env) => int(env, 'TOPIC_PARTITIONS', 6, 1, 1000);

/**
 * kafkajs heartbeats only between batches: an attempt longer than the session timeout would cost
 * the instance its partitions, so the deadline must be shorter.
 */
function batchDeadline(env: Env): number {
  const sessionTimeoutMs = sessionTimeout(env);
  const deadline = int(env, 'BATCH_DEADLINE_MS', Math.min(20_000, sessionTimeoutMs - 1000), 1000, 1_800_000);
  if (deadline >= sessionTimeoutMs)
    throw new ConfigError(`BATCH_DEADLINE_MS must be lower than CONSUMER_SESSION_TIMEOUT_MS (${sessionTimeoutMs}), got "${deadline}"`);
  return deadline;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/**
 * Statement timeout: by default 5 s (at most a fifth) below the query timeout, so that Postgres
 * cancels a slow statement cleanly before the client gives up on the connection.
 */
function postgresTimeouts(env: Env): Config['postgres'] {
  const queryTimeoutMs = int(env, 'PG_QUERY_TIMEOUT_MS', 30_000, 1000, 3_600_000);
  const statementTimeoutMs = int(env, 'PG_STATEMENT_TIMEOUT_MS', Math.max(queryTimeoutMs - 5000, Math.floor(queryTimeoutMs * 0.8)), 500, 3_600_000);
  if (statementTimeoutMs >= queryTimeoutMs) {
    throw new ConfigError(`PG_STATEMENT_TIMEOUT_MS must be lower than PG_QUERY_TIMEOUT_MS (${queryTimeoutMs}), got "${statementTimeoutMs}"`);
  }
  return {
    queryTimeoutMs,
    statementTimeoutMs,
    idleInTransactionTimeoutMs: int(env, 'PG_IDLE_IN_TRANSACTION_TIMEOUT_MS', 60_000, 1000, 86_400_000),
  };
}

/** STG_URL and the like: by default the service's port on this machine. */
function serviceUrls(env: Env, ports: Config['ports']): Config['serviceUrls'] {
  const at = (name: string, port: number) => url(env, name, `http://127.0.0.1:${port}`, ['http', 'https']).replace(/\/+$/, '');
  return { stg: at('STG_URL', ports.stg), dds: at('DDS_URL', ports.dds), cdm: at('CDM_URL', ports.cdm) };
}

/** Heartbeats every third of the session, at most every 3 s by default; the fetch wait; the consumer's retries. */
function consumerTuning(env: Env): Pick<Config['consumer'], 'heartbeatIntervalMs' | 'maxWaitMs' | 'retry'> {
  const third = Math.floor(sessionTimeout(env) / 3);
  return {
    heartbeatIntervalMs: int(env, 'CONSUMER_HEARTBEAT_INTERVAL_MS', Math.min(3000, third), 100, third),
    maxWaitMs: int(env, 'CONSUMER_MAX_WAIT_MS', 500, 0, 30_000),
    retry: kafkaRetry(env, 'CONSUMER', { retries: 10, initialRetryTime: 300, maxRetryTime: 10_000 }),
  };
}

/** <prefix>_RETRIES, <prefix>_RETRY_INITIAL_MS, <prefix>_RETRY_MAX_MS: kafkajs's retry settings. */
function kafkaRetry(env: Env, prefix: string, defaults: KafkaRetry): KafkaRetry {
  const initialRetryTime = int(env, `${prefix}_RETRY_INITIAL_MS`, defaults.initialRetryTime, 1, 60_000);
  return {
    retries: int(env, `${prefix}_RETRIES`, defaults.retries, 0, 100),
    initialRetryTime,
    maxRetryTime: int(env, `${prefix}_RETRY_MAX_MS`, Math.max(defaults.maxRetryTime, initialRetryTime), initialRetryTime, 600_000),
  };
}

/** A comma-separated list of host:port (KAFKA_BROKERS, or a command's --brokers named `name`). */
export function brokerList(raw: string, name: string): string[] {
  const brokers = raw
    .split(',')
    .map((b) => b.trim())
    .filter(Boolean);
  if (brokers.length === 0) throw new ConfigError(`${name} must list at least one host:port`);
  for (const broker of brokers) {
    if (!/^[^:\s]+:\d+$/.test(broker)) throw new ConfigError(`${name} entries must be host:port, got "${broker}"`);
  }
  return brokers;
}

/** STAGE_CRASH_POINT: a comma-separated list of the runner's crash points; STAGE_CRASH_PROBABILITY: how often each kills. */
function crash(env: Env): Config['crash'] {
  const raw = str(env, 'STAGE_CRASH_POINT', '');
  const points = [
    ...new Set(
      raw
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean),
    ),
  ];
  for (const point of points) {
    if (!(CRASH_POINTS as readonly string[]).includes(point))
      throw new ConfigError(`STAGE_CRASH_POINT must list points among ${CRASH_POINTS.join(', ')}, got "${point}"`);
  }
  return { points: points as CrashPoint[], probability: fraction(env, 'STAGE_CRASH_PROBABILITY', 1) };
}

const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/dwh';

/** DATABASE_URL alone, for the commands that need nothing else (npm run migrate, the role passwords). */
export function loadDatabaseUrl(env: Env = process.env): string {
  return url(env, 'DATABASE_URL', DEFAULT_DATABASE_URL, ['postgres', 'postgresql']);
}

/** `npm start`'s local Kafka; `kindFlag` is its --kafka argument, which wins over LOCAL_KAFKA. */
export function loadLocalKafkaConfig(env: Env = process.env, kindFlag?: string): LocalKafkaConfig {
  const kinds = ['development', 'apache'] as const;
  if (kindFlag !== undefined && !(kinds as readonly string[]).includes(kindFlag)) {
    throw new ConfigError(`--kafka must be one of ${kinds.join(', ')}, got "${kindFlag}"`);
  }
  return {
    kind: (kindFlag as LocalKafkaConfig['kind'] | undefined) ?? oneOf(env, 'LOCAL_KAFKA', kinds, 'development'),
    port: port(env, 'DEV_BROKER_PORT', 9092),
    devBrokerDataDir: str(env, 'DEV_BROKER_DATA_DIR', '.data/broker'),
    apacheDataDir: str(env, 'APACHE_KAFKA_DATA_DIR', '.data/kafka'),
    partitions: topicPartitions(env),
  };
}

/** The source refuses to start in production without an API key: /push would be open to anyone. */
export function requirePushApiKey(config: Pick<Config, 'production' | 'push'>): void {
  if (config.production && !config.push.apiKey) {
    throw new ConfigError('PUSH_API_KEY is required when NODE_ENV=production: without it anyone who reaches the source could push orders');
  }
}

export function loadConfig(env: Env = process.env): Config {
  const brokers = brokerList(str(env, 'KAFKA_BROKERS', '127.0.0.1:9092'), 'KAFKA_BROKERS');
  const ports = {
    source: port(env, 'SOURCE_PORT', 5011),
    stg: port(env, 'STG_PORT', 5012),
    dds: port(env, 'DDS_PORT', 5013),
    cdm: port(env, 'CDM_PORT', 5014),
  };
  return {
    databaseUrl: loadDatabaseUrl(env),
    redisUrl: url(env, 'REDIS_URL', 'redis://127.0.0.1:6379', ['redis', 'rediss']),
    redisKeyPrefix: str(env, 'REDIS_KEY_PREFIX', 'dwh:'),
    kafkaBrokers: brokers,
    kafkaClientId: str(env, 'KAFKA_CLIENT_ID', 'dwh-pipeline'),
    kafkaSecurity: loadKafkaSecurity(env),
    topics: {
      stg: topic(env, 'TOPIC_STG', 'stg_service'),
      dds: topic(env, 'TOPIC_DDS', 'dds_service'),
      cdm: topic(env, 'TOPIC_CDM', 'cdm_service'),
      deadLetters: topic(env, 'TOPIC_DEAD_LETTERS', 'dead_letters'),
    },
    topicPartitions: topicPartitions(env),
    topicReplicationFactor: int(env, 'TOPIC_REPLICATION_FACTOR', 1, 1, 32),
    host: str(env, 'HOST', '127.0.0.1'),
    ports,
    serviceUrls: serviceUrls(env, ports),
    push: {
      maxN: int(env, 'PUSH_MAX_N', 1_000_000, 1, 100_000_000),
      batchSize: int(env, 'PUSH_BATCH_SIZE', 1000, 1, 100_000),
      apiKey: secret(env, 'PUSH_API_KEY'),
      rateLimit: { max: int(env, 'PUSH_RATE_LIMIT_MAX', 120, 0, 1_000_000), windowMs: int(env, 'PUSH_RATE_LIMIT_WINDOW_MS', 60_000, 1000, 86_400_000) },
    },
    reference: {
      users: int(env, 'REF_USERS', 100, 1, 1_000_000),
      restaurants: int(env, 'REF_RESTAURANTS', 10, 1, 100_000),
      seed: int(env, 'REF_SEED', 42, 0, 2 ** 31 - 1),
      reload: bool(env, 'REF_RELOAD', false),
    },
    consumer: {
      maxBatchMessages: int(env, 'CONSUMER_MAX_BATCH', 1000, 1, 100_000),
      maxBytesPerPartition: int(env, 'CONSUMER_MAX_BYTES_PER_PARTITION', 4 * 1024 * 1024, 1024, 256 * 1024 * 1024),
      partitionsConcurrently: int(env, 'CONSUMER_CONCURRENCY', 3, 1, 100),
      sessionTimeoutMs: sessionTimeout(env),
      batchDeadlineMs: batchDeadline(env),
      ...consumerTuning(env),
    },
    kafkaRetry: kafkaRetry(env, 'KAFKA', KAFKA_RETRY_DEFAULTS),
    postgres: postgresTimeouts(env),
    redis: { commandTimeoutMs: int(env, 'REDIS_COMMAND_TIMEOUT_MS', 5000, 100, 600_000) },
    orderEvents: oneOf(env, 'ORDER_EVENTS', ['final', 'lifecycle'] as const, 'final'),
    cancelShare: fraction(env, 'CANCEL_SHARE', 0.1),
    stgCacheSize: int(env, 'STG_CACHE_SIZE', 10_000, 1, 10_000_000),
    logLevel: oneOf(env, 'LOG_LEVEL', LOG_LEVELS, 'info'),
    production: env.NODE_ENV?.trim() === 'production',
    crash: crash(env),
  };
}
