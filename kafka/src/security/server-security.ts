// The server.properties of a node with security on (pure; serverProperties merges them in).
//
// One listener, SASL_SSL, serves clients and the other brokers alike: TLS with the server
// certificate, then PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512. A broker logs in to another broker as
// the admin user by PLAIN, whose users live in the listener's JAAS config and so exist from the
// first second (SCRAM users live in the metadata log, which a starting broker may not have read yet).
// The controller listener stays on loopback without TLS but still authenticates (SASL_PLAINTEXT,
// PLAIN, admin): with a PLAINTEXT controller the broker registers as User:ANONYMOUS, which the
// authorizer would then have to make a super user, opening the whole cluster to anything that
// reaches that port.
import { checkCredentials, SASL_MECHANISMS, type Credentials } from './credentials.ts';

export const SECURE_LISTENER = 'SASL_SSL';
export const STANDARD_AUTHORIZER = 'org.apache.kafka.metadata.authorizer.StandardAuthorizer';

export interface KafkaSecurityLayout {
  /** PEM file: the server's unencrypted PKCS#8 key and its certificate (ssl.keystore.location). */
  keystorePath: string;
  /** PEM file: the CA certificates a broker trusts when it connects to another broker. */
  truststorePath: string;
  /** Brokers and controllers log in as this user by PLAIN; a super user under the authorizer. */
  admin: Credentials;
  /** PLAIN users besides the admin. */
  plainUsers?: readonly Credentials[];
  /** StandardAuthorizer, nothing allowed without an ACL, the admin a super user. */
  authorizer?: boolean;
}

export interface SecureListeners {
  host: string;
  advertisedHost: string;
  port: number;
  controllerPort: number;
}

const PLAIN_LOGIN = 'org.apache.kafka.common.security.plain.PlainLoginModule';
const SCRAM_LOGIN = 'org.apache.kafka.common.security.scram.ScramLoginModule';

/** A listener's PLAIN JAAS config: `login` is who this node is when it connects out, `users` who may log in. */
export function plainJaasConfig(login: Credentials, users: readonly Credentials[]): string {
  for (const user of [login, ...users]) checkCredentials(user);
  const accepted = new Map([login, ...users].map((user) => [user.username, user.password]));
  const options = [`username="${login.username}"`, `password="${login.password}"`, ...[...accepted].map(([name, password]) => `user_${name}="${password}"`)];
  return `${PLAIN_LOGIN} required ${options.join(' ')};`;
}

export function secureListenerProperties(listeners: SecureListeners): Record<string, string> {
  const { host, advertisedHost, port, controllerPort } = listeners;
  return {
    listeners: `${SECURE_LISTENER}://${host}:${port},CONTROLLER://${host}:${controllerPort}`,
    'advertised.listeners': `${SECURE_LISTENER}://${advertisedHost}:${port}`,
    'controller.listener.names': 'CONTROLLER',
    'listener.security.protocol.map': `${SECURE_LISTENER}:SASL_SSL,CONTROLLER:SASL_PLAINTEXT`,
    'inter.broker.listener.name': SECURE_LISTENER,
  };
}

export function securityProperties(security: KafkaSecurityLayout): Record<string, string | boolean> {
  const client = `listener.name.${SECURE_LISTENER.toLowerCase()}`;
  const admin = security.admin;
  return {
    'sasl.enabled.mechanisms': SASL_MECHANISMS.join(','),
    'sasl.mechanism.inter.broker.protocol': 'PLAIN',
    'sasl.mechanism.controller.protocol': 'PLAIN',
    'listener.name.controller.sasl.enabled.mechanisms': 'PLAIN',
    'listener.name.controller.plain.sasl.jaas.config': plainJaasConfig(admin, []),
    [`${client}.plain.sasl.jaas.config`]: plainJaasConfig(admin, security.plainUsers ?? []),
    [`${client}.scram-sha-256.sasl.jaas.config`]: `${SCRAM_LOGIN} required;`,
    [`${client}.scram-sha-512.sasl.jaas.config`]: `${SCRAM_LOGIN} required;`,
    'ssl.keystore.type': 'PEM',
    'ssl.keystore.location': security.keystorePath,
    'ssl.truststore.type': 'PEM',
    'ssl.truststore.location': security.truststorePath,
    ...(security.authorizer
      ? {
          'authorizer.class.name': STANDARD_AUTHORIZER,
          'super.users': `User:${admin.username}`,
          'allow.everyone.if.no.acl.found': false,
        }
      : {}),
  };
}
