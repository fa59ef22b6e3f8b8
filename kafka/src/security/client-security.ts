// What a client of a secured node needs, for kafkajs and for Kafka's Java tools (--command-config).
import { readFileSync } from 'node:fs';
import type { SASLOptions } from 'kafkajs';
import { checkCredentials, type Credentials, type SaslMechanism } from './credentials.ts';

export interface KafkaClientSecurity extends Credentials {
  /** PEM file of the CA that signed the node's certificate. */
  caPath: string;
  mechanism: SaslMechanism;
}

/** The `ssl` and `sasl` options of a kafkajs client. */
export interface KafkajsSecurity {
  ssl: { ca: string[] };
  sasl: SASLOptions;
}

const KAFKAJS_MECHANISM = { PLAIN: 'plain', 'SCRAM-SHA-256': 'scram-sha-256', 'SCRAM-SHA-512': 'scram-sha-512' } as const;

export function kafkajsSecurity(security: KafkaClientSecurity): KafkajsSecurity {
  const { username, password } = security;
  return {
    ssl: { ca: [readFileSync(security.caPath, 'utf8')] },
    sasl: { mechanism: KAFKAJS_MECHANISM[security.mechanism], username, password },
  };
}

/** A Java client's properties (Kafka's tools take them as --command-config). */
export function javaClientProperties(security: KafkaClientSecurity): string {
  checkCredentials(security);
  const login =
    security.mechanism === 'PLAIN' ? 'org.apache.kafka.common.security.plain.PlainLoginModule' : 'org.apache.kafka.common.security.scram.ScramLoginModule';
  return [
    'security.protocol=SASL_SSL',
    `sasl.mechanism=${security.mechanism}`,
    `sasl.jaas.config=${login} required username="${security.username}" password="${security.password}";`,
    'ssl.truststore.type=PEM',
    `ssl.truststore.location=${security.caPath}`,
    '',
  ].join('\n');
}
