// One sentence for why the Kafka clients cannot work, naming the setting to fix where there is one:
// what an operator reads in the log at start and in /health's 503.
import { describeKafkaSecurity, type KafkaSecurity } from './kafka-security.ts';

interface ErrorLike {
  name?: string;
  message?: string;
  code?: string;
  type?: string;
  cause?: unknown;
  originalError?: unknown;
}

/** The error and those it wraps (kafkajs keeps the first in `originalError` or `cause`). */
function chain(error: unknown): ErrorLike[] {
  const found: ErrorLike[] = [];
  let current: unknown = error;
  while (current && typeof current === 'object' && !found.includes(current as ErrorLike) && found.length < 10) {
    found.push(current as ErrorLike);
    current = (current as ErrorLike).originalError ?? (current as ErrorLike).cause;
  }
  return found;
}

const UNTRUSTED_CERTIFICATE = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_SIGNATURE_FAILURE',
]);

export function describeKafkaFailure(error: unknown, brokers: string[], security: KafkaSecurity): string {
  const errors = chain(error);
  const where = `Kafka at ${brokers.join(',')} (${describeKafkaSecurity(security)})`;
  const codes = errors.map((e) => e.code ?? '');
  const has = (test: (e: ErrorLike) => boolean) => errors.some(test);
  if (has((e) => e.name === 'KafkaJSSASLAuthenticationError') && security.sasl) {
    return `${where} refused the credentials: check KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD, and that the user exists on the cluster for ${security.sasl.mechanism.toUpperCase()}`;
  }
  const untrusted = codes.find((code) => UNTRUSTED_CERTIFICATE.has(code));
  if (untrusted) return `${where}: its TLS certificate is not trusted (${untrusted}); set KAFKA_SSL_CA_FILE to the CA that signed the brokers' certificates`;
  if (codes.includes('CERT_HAS_EXPIRED')) return `${where}: its TLS certificate has expired`;
  if (codes.includes('ERR_TLS_CERT_ALTNAME_INVALID')) return `${where}: its TLS certificate does not name the address the client connected to`;
  const authorization = errors.find((e) => /_AUTHORIZATION_FAILED$/.test(e.type ?? ''));
  if (authorization) {
    const user = security.sasl ? `'${security.sasl.username}'` : 'this client';
    return `${where} refused ${user} (${authorization.type}): the cluster's ACLs do not allow it (see npm run topics -- --acls)`;
  }
  if (codes.includes('ECONNREFUSED')) return `${where} is not reachable: nothing listens there (ECONNREFUSED)`;
  const innermost = errors[errors.length - 1]?.message ?? String(error);
  return `${where} is not reachable: ${innermost}`;
}
