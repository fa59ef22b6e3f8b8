// Security of one node as the launcher sets it up: certificates and the admin password made on
// first use and kept in `<dataDir>/security` (a restart on the same data finds them again), the
// server.properties layout, the SCRAM users written at format time, and what a client needs.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { KafkaDistribution } from '../distribution.ts';
import { waitForBrokers } from '../readiness.ts';
import { createTestCertificates } from './certificates.ts';
import { javaClientProperties, type KafkajsSecurity, kafkajsSecurity } from './client-security.ts';
import { checkCredentials, type Credentials, randomPassword, type SaslMechanism, SCRAM_MECHANISMS } from './credentials.ts';
import { alterScramUser, formatScramArguments, type ScramUser } from './scram.ts';
import type { KafkaSecurityLayout } from './server-security.ts';

export const ADMIN_USERNAME = 'admin';

export interface ApacheKafkaSecurityOptions {
  /** TLS material to use; absent, a throwaway CA and server certificate are made in `<dataDir>/security`. */
  certificates?: { caPath: string; keystorePath: string };
  /** The admin's password; absent, one is made and kept in `<dataDir>/security/admin.password`. */
  adminPassword?: string;
  /** PLAIN users besides the admin (they live in server.properties, so a restart may change them). */
  plainUsers?: readonly Credentials[];
  /** SCRAM users written when the storage is first formatted (the admin always is); later ones: addScramUser. */
  scramUsers?: readonly ScramUser[];
  /** StandardAuthorizer: nothing is allowed without an ACL, except to the admin. */
  authorizer?: boolean;
}

/** What a client of a secured node needs (node.security). */
export interface ApacheKafkaSecurity {
  /** PEM file of the CA that signed the node's certificate: what clients trust. */
  caPath: string;
  admin: Credentials;
  authorizer: boolean;
  /** Java client properties logged in as the admin: `--command-config` of Kafka's tools. */
  adminClientConfigPath: string;
  /** kafkajs `ssl` and `sasl` options for a user (the admin by default), SCRAM-SHA-512 by default. */
  kafkajs(user?: Credentials, mechanism?: SaslMechanism): KafkajsSecurity;
  /** Adds a SCRAM user to the running node, or changes its password; resolves once it can log in. */
  addScramUser(user: ScramUser): Promise<void>;
}

export interface PreparedNodeSecurity {
  layout: KafkaSecurityLayout;
  /** `kafka-storage format` arguments creating the SCRAM users. */
  formatArguments: string[];
  /** The client side, once the node's address is known. */
  access(address: string, distribution: KafkaDistribution): ApacheKafkaSecurity;
}

type WithSecrets = ApacheKafkaSecurityOptions & Required<Pick<ApacheKafkaSecurityOptions, 'certificates' | 'adminPassword'>>;

/**
 * The options with certificates and admin password filled in: the ones given, else those kept in
 * `dir`, else new ones made there. A cluster calls it once, so that its nodes share them.
 */
export function withStoredSecrets(options: ApacheKafkaSecurityOptions, dir: string, hosts: readonly string[]): WithSecrets {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  let certificates = options.certificates;
  if (!certificates) {
    certificates = { caPath: path.join(dir, 'ca.pem'), keystorePath: path.join(dir, 'keystore.pem') };
    if (!existsSync(certificates.caPath) || !existsSync(certificates.keystorePath)) createTestCertificates(dir, hosts);
  }
  let adminPassword = options.adminPassword;
  if (!adminPassword) {
    const file = path.join(dir, 'admin.password');
    if (!existsSync(file)) writeFileSync(file, `${randomPassword()}\n`, { mode: 0o600 });
    adminPassword = readFileSync(file, 'utf8').trim();
  }
  return { ...options, certificates, adminPassword };
}

/** Names the server certificate covers: the listening and advertised hosts (not a wildcard address), 127.0.0.1 and localhost. */
export function certificateHosts(host: string, advertisedHost: string): string[] {
  return [...new Set([advertisedHost, host, '127.0.0.1', 'localhost'])].filter((name) => name !== '0.0.0.0' && name !== '::');
}

export function prepareNodeSecurity(given: ApacheKafkaSecurityOptions, dir: string, hosts: readonly string[]): PreparedNodeSecurity {
  const options = withStoredSecrets(given, dir, hosts);
  const admin = { username: ADMIN_USERNAME, password: options.adminPassword };
  checkCredentials(admin);
  const { caPath, keystorePath } = options.certificates;
  const authorizer = options.authorizer ?? false;
  const adminClientConfigPath = path.join(dir, 'admin-client.properties');
  // PLAIN: its users are in the JAAS config, so the tools work even before the metadata is loaded.
  writeFileSync(adminClientConfigPath, javaClientProperties({ caPath, mechanism: 'PLAIN', ...admin }), { mode: 0o600 });
  return {
    layout: { keystorePath, truststorePath: caPath, admin, plainUsers: options.plainUsers, authorizer },
    formatArguments: formatScramArguments([admin, ...(options.scramUsers ?? [])]),
    access(address, distribution) {
      const kafkajs = (user: Credentials = admin, mechanism: SaslMechanism = 'SCRAM-SHA-512') => kafkajsSecurity({ caPath, mechanism, ...user });
      return {
        caPath,
        admin,
        authorizer,
        adminClientConfigPath,
        kafkajs,
        async addScramUser(user) {
          await alterScramUser(user, address, adminClientConfigPath, distribution);
          // The credentials reach the broker through the metadata log, a moment after the tool returns.
          for (const mechanism of user.mechanisms ?? SCRAM_MECHANISMS) await waitForBrokers([address], 1, 15_000, kafkajs(user, mechanism));
        },
      };
    },
  };
}
