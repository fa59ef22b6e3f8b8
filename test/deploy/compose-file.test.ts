// docker-compose.yml checked without Docker: interpolated the way `docker compose` does with the
// variables of .env_template, validated against the Compose specification's JSON schema, and held
// to the project's own rules.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { SERVICE_ROLES } from '../../scripts/migrate/service-roles.ts';
import { loadConfig, requirePushApiKey } from '@orders-dwh/shared/config';
import { interpolate, InterpolationError, readEnvFile, variablesUsed, type Env } from './compose-interpolation.ts';
import { mergeCompose, readComposeFile } from './compose-merge.ts';
import { isFixedHostPort, parsePort } from './compose-ports.ts';
import { schemaValidator } from './compose-schema.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const composeText = readFileSync(path.join(root, 'docker-compose.yml'), 'utf8');
const template = readEnvFile(readFileSync(path.join(root, '.env_template'), 'utf8'));

const PIPELINE = ['source', 'stg', 'dds', 'cdm'] as const;
const SCALABLE = ['stg', 'dds', 'cdm'] as const;
const INFRASTRUCTURE = ['kafka', 'akhq', 'postgres', 'redis', 'migrate'] as const;
const REQUIRED_SECRETS = ['POSTGRES_PASSWORD', 'DWH_SOURCE_PASSWORD', 'DWH_STG_PASSWORD', 'DWH_DDS_PASSWORD', 'DWH_CDM_PASSWORD', 'PUSH_API_KEY'];

interface Service {
  image?: string;
  build?: unknown;
  command?: string[] | string;
  container_name?: string;
  environment?: Record<string, string | number | null>;
  ports?: Array<string | number>;
  healthcheck?: { test: string[] | string };
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
  restart?: string;
}
interface ComposeFile {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
}

/** What a user has after `cp .env_template .env` and setting the passwords. */
const userEnv: Env = { ...template.values, ...Object.fromEntries(REQUIRED_SECRETS.map((name, i) => [name, `pw${i}abc`])) };
const raw = parse(composeText, { merge: true }) as ComposeFile;
const compose = interpolate(raw, userEnv) as ComposeFile;
const service = (name: string) => compose.services[name]!;
const environmentOf = (file: ComposeFile, name: string) =>
  Object.fromEntries(Object.entries(file.services[name]!.environment ?? {}).map(([k, v]) => [k, v === null ? '' : String(v)]));
const env = (name: string) => environmentOf(compose, name);

describe('docker-compose.yml against the Compose specification', () => {
  it('is valid once interpolated with .env_template and the passwords', () => {
    const validate = schemaValidator();
    const valid = validate(compose);
    expect(validate.errors ?? [], JSON.stringify(validate.errors, null, 2)).toEqual([]);
    expect(valid).toBe(true);
  });

  it('the schema check can fail: a misspelt key or a bad condition is refused', () => {
    const validate = schemaValidator();
    const broken = structuredClone(compose);
    (broken.services.dds as Record<string, unknown>).helthcheck = { test: ['CMD', 'true'] };
    expect(validate(broken)).toBe(false);
    const badCondition = structuredClone(compose);
    badCondition.services.dds!.depends_on!.kafka = { condition: 'service_ready' };
    expect(validate(badCondition)).toBe(false);
  });

  it('refuses to start without the passwords and the push API key: none is committed', () => {
    for (const missing of REQUIRED_SECRETS) {
      const withoutOne = { ...userEnv, [missing]: '' };
      expect(() => interpolate(raw, withoutOne), missing).toThrow(InterpolationError);
      expect(() => interpolate(raw, withoutOne), missing).toThrow(missing);
    }
    for (const name of REQUIRED_SECRETS) expect(template.values[name], name).toBe('');
    expect(composeText).not.toMatch(/PASSWORD:-/); // no default value for any password
    expect(composeText).not.toMatch(/postgres:\/\/[^$\s]+:[^$@\s]+@/); // no literal password in a URL
  });
});

describe('docker-compose.yml: the pipeline', () => {
  it('has the infrastructure and the four services, none with a fixed container name', () => {
    expect(Object.keys(compose.services).sort()).toEqual([...INFRASTRUCTURE, ...PIPELINE].sort());
    for (const [name, definition] of Object.entries(compose.services)) expect(definition.container_name, name).toBeUndefined();
  });

  it("builds the services from the project's Dockerfile and starts node directly on each main.ts", () => {
    for (const name of PIPELINE) {
      const { build, command } = service(name);
      expect(build, name).toBe('.');
      expect(command, name).toEqual(['node', '--import', 'tsx', `services/${name}/src/main.ts`]);
      expect(existsSync(path.join(root, (command as string[])[3]!)), name).toBe(true);
    }
    const migrate = service('migrate');
    expect(migrate.build).toBe('.');
    expect(migrate.restart).toBe('no');
    const script = (migrate.command as string[]).join(' ');
    for (const file of script.match(/[\w/-]+\.ts/g) ?? []) expect(existsSync(path.join(root, file)), file).toBe(true);
    expect(script).toMatch(/scripts\/migrate\.ts && exec node .*scripts\/migrate\/set-role-passwords\.ts/);
  });

  it('has a healthcheck on every long-running service', () => {
    for (const name of [...PIPELINE, 'kafka', 'postgres', 'redis']) expect(service(name).healthcheck?.test, name).toBeDefined();
    for (const name of PIPELINE) {
      const port = env(name)[`${name.toUpperCase()}_PORT`];
      expect(port, name).toMatch(/^501[1-4]$/);
      expect(JSON.stringify(service(name).healthcheck!.test), name).toContain(`http://127.0.0.1:${port}/health`);
    }
  });

  it('orders start-up with depends_on conditions that can be met', () => {
    for (const name of PIPELINE) {
      expect(service(name).depends_on, name).toEqual({
        kafka: { condition: 'service_healthy' },
        postgres: { condition: 'service_healthy' },
        redis: { condition: 'service_healthy' },
        migrate: { condition: 'service_completed_successfully' },
      });
    }
    expect(service('migrate').depends_on).toEqual({ postgres: { condition: 'service_healthy' } });
    expect(service('akhq').depends_on).toEqual({ kafka: { condition: 'service_healthy' } });
    for (const [name, definition] of Object.entries(compose.services)) {
      for (const [target, { condition }] of Object.entries(definition.depends_on ?? {})) {
        expect(compose.services[target], `${name} → ${target}`).toBeDefined();
        if (condition === 'service_healthy') expect(service(target).healthcheck, `${name} → ${target}`).toBeDefined();
        if (condition === 'service_completed_successfully') expect(service(target).restart, `${name} → ${target}`).toBe('no');
      }
    }
  });

  it('publishes source on 5011, stg, dds and cdm on 5012-5014, AKHQ on 8081, Postgres on 6432 and Kafka on 9094, on loopback', () => {
    const published = (name: string) => (service(name).ports ?? []).map(parsePort);
    expect(published('source')).toEqual([{ hostIp: '127.0.0.1', hostPort: '5011', containerPort: 5011, protocol: 'tcp' }]);
    expect(published('stg')).toEqual([{ hostIp: '127.0.0.1', hostPort: '5012', containerPort: 5012, protocol: 'tcp' }]);
    expect(published('dds')).toEqual([{ hostIp: '127.0.0.1', hostPort: '5013', containerPort: 5013, protocol: 'tcp' }]);
    expect(published('cdm')).toEqual([{ hostIp: '127.0.0.1', hostPort: '5014', containerPort: 5014, protocol: 'tcp' }]);
    expect(published('akhq')).toEqual([{ hostIp: '127.0.0.1', hostPort: '8081', containerPort: 8080, protocol: 'tcp' }]);
    expect(published('postgres')).toEqual([{ hostIp: '127.0.0.1', hostPort: '6432', containerPort: 5432, protocol: 'tcp' }]);
    expect(published('kafka')).toEqual([{ hostIp: '127.0.0.1', hostPort: '9094', containerPort: 9094, protocol: 'tcp' }]);
    for (const name of SCALABLE) {
      expect(
        published(name).map((p) => p.containerPort),
        name,
      ).toEqual([Number(env(name)[`${name.toUpperCase()}_PORT`])]);
    }
  });

  /** The host ports two replicas would both bind, with `--scale <consumer>=3` of each consumer in turn. */
  function scaleConflicts(file: ComposeFile): string[] {
    const conflicts: string[] = [];
    for (const scaled of SCALABLE) {
      const bound = new Map<string, string>();
      for (const [name, definition] of Object.entries(file.services)) {
        const replicas = name === scaled ? 3 : 1;
        for (let replica = 1; replica <= replicas; replica++) {
          for (const mapping of (definition.ports ?? []).map(parsePort).filter(isFixedHostPort)) {
            const key = `${mapping.hostIp ?? '0.0.0.0'}:${mapping.hostPort}/${mapping.protocol}`;
            if (bound.has(key)) conflicts.push(`--scale ${scaled}=3: ${name}-${replica} and ${bound.get(key)} both bind ${key}`);
            bound.set(key, `${name}-${replica}`);
          }
        }
      }
    }
    return conflicts;
  }

  it('can run `--scale <consumer>=3` with deploy/compose/scale.yml: a port per instance, the rest unchanged', () => {
    const scaledStack = interpolate(
      mergeCompose(readComposeFile(path.join(root, 'docker-compose.yml')), readComposeFile(path.join(root, 'deploy/compose/scale.yml'))),
      userEnv,
    ) as ComposeFile;
    const validate = schemaValidator();
    expect(validate(scaledStack), JSON.stringify(validate.errors, null, 2)).toBe(true);
    expect(scaleConflicts(scaledStack)).toEqual([]);
    for (const name of SCALABLE) {
      expect(scaledStack.services[name]!.ports!.map(parsePort), name).toEqual([
        { hostIp: '127.0.0.1', hostPort: null, containerPort: Number(env(name)[`${name.toUpperCase()}_PORT`]), protocol: 'tcp' },
      ]);
    }
    expect({ ...scaledStack.services, stg: undefined, dds: undefined, cdm: undefined }).toEqual({
      ...compose.services,
      stg: undefined,
      dds: undefined,
      cdm: undefined,
    });
    // Without it, the second and third instances of each consumer would find its fixed port taken.
    expect(scaleConflicts(compose)).toHaveLength(2 * SCALABLE.length);
  });

  it('connects each service as its own Postgres role, and migrates as the owner', () => {
    for (const name of PIPELINE) {
      const url = new URL(env(name).DATABASE_URL!);
      expect(url.username, name).toBe(SERVICE_ROLES[name]);
      expect(url.password, name).toBe(userEnv[`${SERVICE_ROLES[name].toUpperCase()}_PASSWORD`]);
      expect(`${url.host}${url.pathname}`, name).toBe('postgres:5432/dwh');
    }
    const owner = new URL(env('migrate').DATABASE_URL!);
    expect(owner.username).toBe(env('postgres').POSTGRES_USER);
    expect(owner.password).toBe(userEnv.POSTGRES_PASSWORD);
    // The owner's password reaches only Postgres and the migration.
    for (const [name, definition] of Object.entries(raw.services)) {
      if (name !== 'postgres' && name !== 'migrate') expect(JSON.stringify(definition), name).not.toContain('POSTGRES_PASSWORD');
    }
  });

  it("gives every service a configuration that the services' own loadConfig accepts", () => {
    for (const name of PIPELINE) {
      const config = loadConfig(env(name));
      expect(config.host, name).toBe('0.0.0.0');
      expect(config.kafkaBrokers, name).toEqual(['kafka:9092']);
      expect(config.redisUrl, name).toBe('redis://redis:6379');
      expect(config.topicPartitions, name).toBe(Number(userEnv.TOPIC_PARTITIONS));
      expect(env(name).NODE_ENV, name).toBe('production');
    }
    const source = loadConfig(env('source'));
    expect(source.push.apiKey).toBe(userEnv.PUSH_API_KEY);
    expect(() => requirePushApiKey(source)).not.toThrow();
  });

  it('uses only variables documented in .env_template, and passes the services only configuration names', () => {
    const undocumented = [...variablesUsed(raw)].filter((name) => !template.documented.has(name));
    expect(undocumented).toEqual([]);
    const allowed = new Set([...template.documented, 'NODE_ENV', 'HOST', 'REDIS_URL', 'KAFKA_BROKERS', 'DATABASE_URL']);
    for (const name of PIPELINE) {
      expect(
        Object.keys(env(name)).filter((key) => !allowed.has(key)),
        name,
      ).toEqual([]);
    }
  });

  it('passes every setting of .env_template to the services, except what the stack sets itself', () => {
    // Set by the stack, for the secured variant, or meaningless in it (npm start's broker, the crash tests).
    const notFromDotEnv = new Set([
      ...['DATABASE_URL', 'REDIS_URL', 'KAFKA_BROKERS', 'HOST', 'NODE_ENV', 'STG_URL', 'DDS_URL', 'CDM_URL'],
      ...['STG_PORT', 'DDS_PORT', 'CDM_PORT', 'TOPIC_REPLICATION_FACTOR', 'STAGE_CRASH_POINT', 'STAGE_CRASH_PROBABILITY'],
      ...['KAFKA_SSL', 'KAFKA_SSL_CA_FILE', 'KAFKA_SSL_CERT_FILE', 'KAFKA_SSL_KEY_FILE', 'KAFKA_SASL_MECHANISM', 'KAFKA_SASL_USERNAME', 'KAFKA_SASL_PASSWORD'],
      ...['DEV_BROKER_PORT', 'DEV_BROKER_DATA_DIR', 'LOCAL_KAFKA', 'APACHE_KAFKA_DATA_DIR', 'KAFKA_CERTS_DIR'],
    ]);
    const composeOnly = (name: string) => /^(POSTGRES_|DWH_)|^KAFKA_\w+_PASSWORD$/.test(name) && name !== 'KAFKA_SASL_PASSWORD';
    const forwarded = new Set(PIPELINE.flatMap((name) => [...variablesUsed(raw.services[name])]));
    const dropped = [...template.documented].filter((name) => !notFromDotEnv.has(name) && !composeOnly(name) && !forwarded.has(name));
    expect(dropped).toEqual([]);
    // A longer batch deadline needs a longer session: both reach the consumers, whose config accepts the pair.
    const raised = interpolate(raw, { ...userEnv, CONSUMER_SESSION_TIMEOUT_MS: '60000', BATCH_DEADLINE_MS: '45000' }) as ComposeFile;
    for (const name of SCALABLE) {
      expect(loadConfig(environmentOf(raised, name)).consumer.batchDeadlineMs, name).toBe(45_000);
    }
  });

  it('runs Kafka in KRaft mode with a listener for containers and one for the host', () => {
    const kafka = env('kafka');
    expect(service('kafka').image).toMatch(/^apache\/kafka:\d/);
    expect(kafka.KAFKA_PROCESS_ROLES).toBe('broker,controller');
    expect(kafka.KAFKA_CONTROLLER_QUORUM_VOTERS).toBe(`${kafka.KAFKA_NODE_ID}@kafka:9093`);
    const advertised = kafka.KAFKA_ADVERTISED_LISTENERS!.split(',');
    expect(advertised).toContain('INTERNAL://kafka:9092');
    expect(advertised).toContain('EXTERNAL://localhost:9094');
    for (const name of ['KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR', 'KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR', 'KAFKA_DEFAULT_REPLICATION_FACTOR']) {
      expect(kafka[name], name).toBe('1');
    }
    expect(kafka.KAFKA_NUM_PARTITIONS).toBe(userEnv.TOPIC_PARTITIONS);
    expect(interpolate(raw, { ...userEnv, TOPIC_PARTITIONS: '12' })).toMatchObject({ services: { kafka: { environment: { KAFKA_NUM_PARTITIONS: '12' } } } });
    expect(env('akhq').AKHQ_CONFIGURATION).toContain('bootstrap.servers: "kafka:9092"');
  });

  it('keeps the state of Kafka, Postgres and Redis on named volumes, so `down` and `up` lose nothing', () => {
    const dataDirs = { kafka: env('kafka').KAFKA_LOG_DIRS, postgres: '/var/lib/postgresql/data', redis: '/data' };
    expect(dataDirs.kafka).toBe('/var/lib/kafka/data');
    expect(env('kafka').CLUSTER_ID).toMatch(/^[A-Za-z0-9_-]{22}$/);
    for (const [name, dir] of Object.entries(dataDirs)) {
      const mounts = (service(name).volumes ?? []).map((v) => v.split(':'));
      const mount = mounts.find(([, target]) => target === dir);
      expect(mount, `${name} mounts a volume at ${dir}`).toBeDefined();
      expect(Object.keys(compose.volumes ?? {}), `${name}'s volume is a named one`).toContain(mount![0]);
    }
    expect(service('redis').command).toContain('--appendonly');
  });
});
