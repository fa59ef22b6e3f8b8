// How the Kafka clients authenticate and encrypt: TLS (with an optional CA and client certificate)
// and SASL PLAIN or SCRAM. Read from the environment like every setting; the secret itself comes from
// KAFKA_SASL_PASSWORD or the file KAFKA_SASL_PASSWORD_FILE names.
import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import type { SASLOptions } from 'kafkajs';
import { bool, ConfigError, type Env, readableFile, secret, str } from '../config-values.ts';

export const SASL_MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512'] as const;
export type SaslMechanism = (typeof SASL_MECHANISMS)[number];

export interface KafkaSecurity {
  /** TLS to every broker; null: plaintext. Without a CA file, Node's trusted CAs (a managed Kafka's public certificate). */
  tls: { caFile: string | null; certFile: string | null; keyFile: string | null } | null;
  sasl: { mechanism: SaslMechanism; username: string; password: string } | null;
}

export const NO_KAFKA_SECURITY: KafkaSecurity = { tls: null, sasl: null };

export function loadKafkaSecurity(env: Env): KafkaSecurity {
  const tlsOn = bool(env, 'KAFKA_SSL', false);
  const files = {
    caFile: readableFile(env, 'KAFKA_SSL_CA_FILE'),
    certFile: readableFile(env, 'KAFKA_SSL_CERT_FILE'),
    keyFile: readableFile(env, 'KAFKA_SSL_KEY_FILE'),
  };
  const named = Object.entries({ KAFKA_SSL_CA_FILE: files.caFile, KAFKA_SSL_CERT_FILE: files.certFile, KAFKA_SSL_KEY_FILE: files.keyFile }).filter(
    ([, file]) => file,
  );
  if (!tlsOn && named.length > 0) throw new ConfigError(`${named[0]![0]} is set but KAFKA_SSL is not true: set KAFKA_SSL=true to use TLS`);
  if (Boolean(files.certFile) !== Boolean(files.keyFile))
    throw new ConfigError('KAFKA_SSL_CERT_FILE and KAFKA_SSL_KEY_FILE go together: a client certificate needs its key');
  const mechanism = str(env, 'KAFKA_SASL_MECHANISM', '').toLowerCase();
  const username = str(env, 'KAFKA_SASL_USERNAME', '');
  const password = secret(env, 'KAFKA_SASL_PASSWORD');
  if (!mechanism) {
    if (username || password)
      throw new ConfigError('KAFKA_SASL_USERNAME or KAFKA_SASL_PASSWORD is set but KAFKA_SASL_MECHANISM is not (plain, scram-sha-256 or scram-sha-512)');
    return { tls: tlsOn ? files : null, sasl: null };
  }
  if (!(SASL_MECHANISMS as readonly string[]).includes(mechanism)) {
    throw new ConfigError(`KAFKA_SASL_MECHANISM must be one of ${SASL_MECHANISMS.join(', ')}, got "${mechanism}"`);
  }
  if (!username) throw new ConfigError(`KAFKA_SASL_MECHANISM=${mechanism} needs KAFKA_SASL_USERNAME`);
  if (!password) throw new ConfigError(`KAFKA_SASL_MECHANISM=${mechanism} needs KAFKA_SASL_PASSWORD or KAFKA_SASL_PASSWORD_FILE`);
  return { tls: tlsOn ? files : null, sasl: { mechanism: mechanism as SaslMechanism, username, password } };
}

/** kafkajs's `ssl` and `sasl` options (the files read now). */
export function kafkajsSecurity(security: KafkaSecurity): { ssl?: ConnectionOptions | boolean; sasl?: SASLOptions } {
  const { tls, sasl } = security;
  const ssl: ConnectionOptions | undefined = tls
    ? {
        ...(tls.caFile ? { ca: [readFileSync(tls.caFile, 'utf8')] } : {}),
        ...(tls.certFile && tls.keyFile ? { cert: readFileSync(tls.certFile, 'utf8'), key: readFileSync(tls.keyFile, 'utf8') } : {}),
      }
    : undefined;
  return {
    ...(ssl ? { ssl: Object.keys(ssl).length > 0 ? ssl : true } : {}),
    ...(sasl ? { sasl: { mechanism: sasl.mechanism, username: sasl.username, password: sasl.password } as SASLOptions } : {}),
  };
}

/** For logs and errors: "SASL_SSL, SCRAM-SHA-512 as 'stg'"; never the password. */
export function describeKafkaSecurity(security: KafkaSecurity): string {
  const protocol = `${security.sasl ? 'SASL_' : ''}${security.tls ? 'SSL' : 'PLAINTEXT'}`;
  return security.sasl ? `${protocol}, ${security.sasl.mechanism.toUpperCase()} as '${security.sasl.username}'` : protocol;
}
