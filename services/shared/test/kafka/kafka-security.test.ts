import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import kafkajs from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { describeKafkaFailure } from '../../src/kafka/kafka-failure.ts';
import { describeKafkaSecurity, kafkajsSecurity, loadKafkaSecurity, NO_KAFKA_SECURITY } from '../../src/kafka/kafka-security.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'kafka-security-'));
const file = (name: string, text: string) => {
  const at = path.join(dir, name);
  writeFileSync(at, text);
  return at;
};
const ca = file('ca.pem', '-----BEGIN CERTIFICATE-----\nca\n-----END CERTIFICATE-----\n');
const cert = file('client.pem', 'client certificate');
const key = file('client.key', 'client key');
const passwordFile = file('password', '  s3cret-from-file\n');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('loadKafkaSecurity', () => {
  it('is plaintext without settings, as before', () => {
    expect(loadKafkaSecurity({})).toEqual(NO_KAFKA_SECURITY);
    expect(loadConfig({}).kafkaSecurity).toEqual(NO_KAFKA_SECURITY);
    expect(kafkajsSecurity(NO_KAFKA_SECURITY)).toEqual({});
  });

  it('reads TLS with a CA and a client certificate, and SASL with the password from the environment or a file', () => {
    const security = loadKafkaSecurity({
      KAFKA_SSL: 'true',
      KAFKA_SSL_CA_FILE: ca,
      KAFKA_SSL_CERT_FILE: cert,
      KAFKA_SSL_KEY_FILE: key,
      KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512',
      KAFKA_SASL_USERNAME: 'stg',
      KAFKA_SASL_PASSWORD_FILE: passwordFile,
    });
    expect(security).toEqual({
      tls: { caFile: ca, certFile: cert, keyFile: key },
      sasl: { mechanism: 'scram-sha-512', username: 'stg', password: 's3cret-from-file' },
    });
    expect(kafkajsSecurity(security)).toEqual({
      ssl: { ca: ['-----BEGIN CERTIFICATE-----\nca\n-----END CERTIFICATE-----\n'], cert: 'client certificate', key: 'client key' },
      sasl: { mechanism: 'scram-sha-512', username: 'stg', password: 's3cret-from-file' },
    });
    const plain = loadKafkaSecurity({ KAFKA_SSL: 'true', KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' });
    // TLS without a CA file: Node's trusted CAs, as for a managed Kafka with a public certificate.
    expect(kafkajsSecurity(plain)).toEqual({ ssl: true, sasl: { mechanism: 'plain', username: 'u', password: 'p' } });
    expect(loadKafkaSecurity({ KAFKA_SASL_MECHANISM: 'scram-sha-256', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' }).tls).toBeNull();
  });

  it('names the setting and what is wrong with it', () => {
    const missing = path.join(dir, 'missing.pem');
    const cases: Array<[Record<string, string>, string]> = [
      [{ KAFKA_SSL: 'maybe' }, 'KAFKA_SSL must be true or false, got "maybe"'],
      [{ KAFKA_SSL_CA_FILE: ca }, 'KAFKA_SSL_CA_FILE is set but KAFKA_SSL is not true: set KAFKA_SSL=true to use TLS'],
      [{ KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: missing }, `KAFKA_SSL_CA_FILE must name a readable file, got "${missing}" (ENOENT)`],
      [{ KAFKA_SSL: 'true', KAFKA_SSL_CERT_FILE: cert }, 'KAFKA_SSL_CERT_FILE and KAFKA_SSL_KEY_FILE go together: a client certificate needs its key'],
      [
        { KAFKA_SASL_MECHANISM: 'gssapi', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' },
        'KAFKA_SASL_MECHANISM must be one of plain, scram-sha-256, scram-sha-512, got "gssapi"',
      ],
      [{ KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_PASSWORD: 'p' }, 'KAFKA_SASL_MECHANISM=plain needs KAFKA_SASL_USERNAME'],
      [{ KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'u' }, 'KAFKA_SASL_MECHANISM=plain needs KAFKA_SASL_PASSWORD or KAFKA_SASL_PASSWORD_FILE'],
      [
        { KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' },
        'KAFKA_SASL_USERNAME or KAFKA_SASL_PASSWORD is set but KAFKA_SASL_MECHANISM is not (plain, scram-sha-256 or scram-sha-512)',
      ],
      [
        { KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p', KAFKA_SASL_PASSWORD_FILE: passwordFile },
        'set KAFKA_SASL_PASSWORD or KAFKA_SASL_PASSWORD_FILE, not both',
      ],
    ];
    for (const [env, message] of cases) {
      expect(() => loadKafkaSecurity(env), JSON.stringify(env)).toThrow(ConfigError);
      expect(() => loadKafkaSecurity(env), JSON.stringify(env)).toThrow(message);
    }
  });

  it('describes the connection without the password', () => {
    const security = loadKafkaSecurity({
      KAFKA_SSL: 'true',
      KAFKA_SASL_MECHANISM: 'scram-sha-256',
      KAFKA_SASL_USERNAME: 'dds',
      KAFKA_SASL_PASSWORD: 'hunter2',
    });
    expect(describeKafkaSecurity(security)).toBe("SASL_SSL, SCRAM-SHA-256 as 'dds'");
    expect(describeKafkaSecurity(NO_KAFKA_SECURITY)).toBe('PLAINTEXT');
    expect(describeKafkaSecurity({ tls: { caFile: null, certFile: null, keyFile: null }, sasl: null })).toBe('SSL');
  });

  it('PUSH_API_KEY comes from a file too', () => {
    expect(loadConfig({ PUSH_API_KEY_FILE: passwordFile }).push.apiKey).toBe('s3cret-from-file');
  });
});

describe('describeKafkaFailure: kafkajs 2.2.4 errors as Apache Kafka 3.9.1 raises them (kafka/test/secure-kafka.int.test.ts)', () => {
  // kafkajs's own classes; its type declarations leave some out and type the constructors loosely.
  type ErrorClass = new (message: unknown, options?: Record<string, unknown>) => Error;
  const {
    KafkaJSSASLAuthenticationError,
    KafkaJSNumberOfRetriesExceeded,
    KafkaJSConnectionError,
    KafkaJSConnectionClosedError,
    KafkaJSNonRetriableError,
    KafkaJSProtocolError,
  } = kafkajs as unknown as Record<string, ErrorClass>;
  const scram = loadKafkaSecurity({ KAFKA_SSL: 'true', KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: 'stg', KAFKA_SASL_PASSWORD: 'x' });
  const describeFailure = (error: unknown) => describeKafkaFailure(error, ['kafka:9093'], scram);
  const retried = (error: Error) => new KafkaJSNumberOfRetriesExceeded(error, { retryCount: 5, retryTime: 1000 });

  it('a refused password names the credentials settings', () => {
    const refused = new KafkaJSSASLAuthenticationError(
      'SASL SCRAM SHA512 authentication failed: Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512',
    );
    const expected =
      "Kafka at kafka:9093 (SASL_SSL, SCRAM-SHA-512 as 'stg') refused the credentials: check KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD, and that the user exists on the cluster for SCRAM-SHA-512";
    expect(describeFailure(refused)).toBe(expected);
    expect(describeFailure(retried(refused))).toBe(expected);
  });

  it('an untrusted certificate names the CA setting, however deep it is wrapped', () => {
    const untrusted = new KafkaJSConnectionError('Connection error: unable to verify the first certificate', {
      broker: 'kafka:9093',
      code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    });
    expect(describeFailure(retried(untrusted))).toBe(
      "Kafka at kafka:9093 (SASL_SSL, SCRAM-SHA-512 as 'stg'): its TLS certificate is not trusted (UNABLE_TO_VERIFY_LEAF_SIGNATURE); set KAFKA_SSL_CA_FILE to the CA that signed the brokers' certificates",
    );
  });

  it('a refused topic names the ACLs; anything else says Kafka is not reachable and why', () => {
    // As kafkajs's retry gives up on a non-retriable error (retry/index.js).
    const protocol = new KafkaJSProtocolError({
      message: 'Not authorized to access topics: [Topic authorization failed]',
      type: 'TOPIC_AUTHORIZATION_FAILED',
      code: 29,
      retriable: false,
    });
    const denied = new KafkaJSNonRetriableError(protocol, { cause: protocol });
    expect(describeFailure(denied)).toBe(
      "Kafka at kafka:9093 (SASL_SSL, SCRAM-SHA-512 as 'stg') refused 'stg' (TOPIC_AUTHORIZATION_FAILED): the cluster's ACLs do not allow it (see npm run topics -- --acls)",
    );
    expect(describeFailure(retried(new KafkaJSConnectionClosedError('Closed connection', { host: 'kafka', port: 9093 })))).toBe(
      "Kafka at kafka:9093 (SASL_SSL, SCRAM-SHA-512 as 'stg') is not reachable: Closed connection",
    );
    const refused = new KafkaJSConnectionError('Connection error: connect ECONNREFUSED 127.0.0.1:9092', { code: 'ECONNREFUSED' });
    expect(describeKafkaFailure(refused, ['127.0.0.1:9092'], NO_KAFKA_SECURITY)).toBe(
      'Kafka at 127.0.0.1:9092 (PLAINTEXT) is not reachable: nothing listens there (ECONNREFUSED)',
    );
  });
});
