// deploy/compose/secure-kafka.yml checked without Docker: merged over docker-compose.yml the way
// `docker compose -f … -f …` merges, valid against the Compose specification, refusing to start
// without its passwords, and giving every service a Kafka configuration its loadConfig accepts, as
// the user npm run topics -- --acls grants. start-secure-kafka.sh itself runs on Apache Kafka in
// test/deploy/secure-kafka-compose.int.test.ts.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@orders-dwh/shared/config';
import { parseTopicsArgs } from '../../scripts/topics/cli-args.ts';
import { type Env, interpolate, InterpolationError, readEnvFile } from './compose-interpolation.ts';
import { mergeCompose, readComposeFile } from './compose-merge.ts';
import { schemaValidator } from './compose-schema.ts';

const root = path.resolve(import.meta.dirname, '..', '..');
const read = (file: string) => readComposeFile(path.join(root, file));
const KAFKA_PASSWORDS = ['KAFKA_ADMIN_PASSWORD', 'KAFKA_SOURCE_PASSWORD', 'KAFKA_STG_PASSWORD', 'KAFKA_DDS_PASSWORD', 'KAFKA_CDM_PASSWORD'];
const BASE_SECRETS = ['POSTGRES_PASSWORD', 'DWH_SOURCE_PASSWORD', 'DWH_STG_PASSWORD', 'DWH_DDS_PASSWORD', 'DWH_CDM_PASSWORD', 'PUSH_API_KEY'];
const template = readEnvFile(readFileSync(path.join(root, '.env_template'), 'utf8')).values;
const userEnv: Env = { ...template, ...Object.fromEntries([...BASE_SECRETS, ...KAFKA_PASSWORDS].map((name, i) => [name, `secret${i}x`])) };
interface Service {
  command?: string[];
  environment?: Record<string, string | number | null>;
  depends_on?: Record<string, { condition: string }>;
  secrets?: string[];
  volumes?: string[];
}
const override = read('deploy/compose/secure-kafka.yml');
const stack = mergeCompose(read('docker-compose.yml'), override) as { services: Record<string, Service>; secrets: Record<string, { file: string }> };
const merged = interpolate(stack, userEnv) as typeof stack;
const envOf = (name: string) => Object.fromEntries(Object.entries(merged.services[name]!.environment ?? {}).map(([k, v]) => [k, v === null ? '' : String(v)]));
const scratch = mkdtempSync(path.join(os.tmpdir(), 'compose-secure-'));
const ca = path.join(scratch, 'ca.pem');
writeFileSync(ca, 'a CA certificate');
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('deploy/compose/secure-kafka.yml over docker-compose.yml', () => {
  it('is a valid Compose file once merged and interpolated', () => {
    const validate = schemaValidator();
    expect(validate(merged), JSON.stringify(validate.errors, null, 2)).toBe(true);
  });

  it('refuses to start without any of the Kafka passwords', () => {
    for (const missing of KAFKA_PASSWORDS) {
      expect(() => interpolate(stack, { ...userEnv, [missing]: '' }), missing).toThrow(InterpolationError);
      expect(template[missing], `${missing} must not be given a value in .env_template`).toBeFalsy();
    }
  });

  it('gives each service TLS and SCRAM-SHA-512 as the user kafka-acls grants its part to, after kafka-acls has run', () => {
    const acls = parseTopicsArgs(merged.services['kafka-acls']!.command!.slice(4), { ...envOf('kafka-acls'), KAFKA_SSL_CA_FILE: ca });
    expect(acls.kind).toBe('acls');
    const users = acls.kind === 'acls' ? acls.users : null;
    for (const name of ['source', 'stg', 'dds', 'cdm'] as const) {
      const env = envOf(name);
      expect(env.KAFKA_SSL_CA_FILE, name).toBe('/run/secrets/kafka_ca');
      expect(merged.services[name]!.secrets, name).toContain('kafka_ca');
      const config = loadConfig({ ...env, KAFKA_SSL_CA_FILE: ca });
      expect(config.kafkaSecurity.tls, name).toEqual({ caFile: ca, certFile: null, keyFile: null });
      expect(config.kafkaSecurity.sasl, name).toMatchObject({ mechanism: 'scram-sha-512', username: users![name] });
      expect(config.kafkaSecurity.sasl!.password, name).toBe(userEnv[`KAFKA_${name.toUpperCase()}_PASSWORD`]);
      expect(merged.services[name]!.depends_on, name).toMatchObject({ 'kafka-acls': { condition: 'service_completed_successfully' } });
    }
    const admin = loadConfig({ ...envOf('kafka-acls'), KAFKA_SSL_CA_FILE: ca });
    expect(admin.kafkaSecurity.sasl).toMatchObject({ username: 'admin', password: userEnv.KAFKA_ADMIN_PASSWORD });
    expect(merged.services['kafka-acls']!.depends_on).toEqual({ kafka: { condition: 'service_healthy' } });
    expect(merged.secrets.kafka_ca.file).toBe('./.secrets/kafka/ca.pem');
  });

  it('starts Kafka with the script it mounts, giving it every variable the script requires', () => {
    const kafka = merged.services.kafka!;
    expect(kafka.command).toEqual(['bash', '/opt/dwh/start-secure-kafka.sh']);
    expect(kafka.volumes).toContain('./deploy/compose/start-secure-kafka.sh:/opt/dwh/start-secure-kafka.sh:ro');
    const script = readFileSync(path.join(root, 'deploy/compose/start-secure-kafka.sh'), 'utf8');
    const required = [...script.matchAll(/\$\{([A-Z_]+):\?/g)].map((m) => m[1]!);
    expect(required.sort()).toEqual([...KAFKA_PASSWORDS].sort());
    for (const name of required) expect(envOf('kafka')[name], name).toBe(userEnv[name]);
  });
});
