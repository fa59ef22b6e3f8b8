// Throwaway TLS material made with openssl: a CA, and a server certificate it signs for the
// addresses a node listens on. Kafka 3.9 reads PEM directly (ssl.keystore.type=PEM): the keystore
// is one file holding the unencrypted PKCS#8 key and the certificate, so no keystore password.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { KafkaSetupError } from '../distribution.ts';

export interface CertificateAuthority {
  /** The CA's certificate (PEM): what a client trusts. */
  certificatePath: string;
  keyPath: string;
}

export interface ServerCertificate {
  /** Key (PKCS#8, unencrypted) then certificate, in one PEM file: Kafka's ssl.keystore.location. */
  keystorePath: string;
  certificatePath: string;
  keyPath: string;
}

export interface TestCertificates {
  ca: CertificateAuthority;
  server: ServerCertificate;
}

const DAYS = 365;

function openssl(args: string[]): void {
  const result = spawnSync('openssl', args, { encoding: 'utf8' });
  if (result.error) throw new KafkaSetupError(`Kafka with TLS needs openssl to make its certificates: install it (for example \`apt-get install openssl\`).`);
  if (result.status !== 0) throw new Error(`openssl ${args[0]} failed (exit ${result.status}): ${result.stderr.trim()}`);
}

/** subjectAltName entries: IP:x for an address, DNS:x for a name. */
export function subjectAltNames(hosts: readonly string[]): string {
  return [...new Set(hosts)].map((host) => (net.isIP(host) ? `IP:${host}` : `DNS:${host}`)).join(',');
}

/** A self-signed CA in `dir` (ca.pem, ca.key). */
export function createCertificateAuthority(dir: string, name = 'orders-dwh-pipeline test CA'): CertificateAuthority {
  mkdirSync(dir, { recursive: true });
  const certificatePath = path.join(dir, 'ca.pem');
  const keyPath = path.join(dir, 'ca.key');
  // -subj takes "/" as a separator: a name with one would split into other attributes.
  const subject = `/CN=${name.replaceAll('/', '-')}`;
  openssl([
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    keyPath,
    '-out',
    certificatePath,
    '-days',
    String(DAYS),
    '-subj',
    subject,
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  return { certificatePath, keyPath };
}

/** A server certificate in `dir` (server.pem, server.key, keystore.pem) for `hosts`, signed by `ca`. */
export function createServerCertificate(ca: CertificateAuthority, dir: string, hosts: readonly string[] = ['127.0.0.1', 'localhost']): ServerCertificate {
  if (hosts.length === 0) throw new Error('a server certificate needs at least one host');
  mkdirSync(dir, { recursive: true });
  const keyPath = path.join(dir, 'server.key');
  const certificatePath = path.join(dir, 'server.pem');
  const keystorePath = path.join(dir, 'keystore.pem');
  const requestPath = path.join(dir, 'server.csr');
  const extensionsPath = path.join(dir, 'server.ext');
  writeFileSync(
    extensionsPath,
    [
      'basicConstraints=CA:FALSE',
      'keyUsage=critical,digitalSignature,keyEncipherment',
      // clientAuth too: a broker presents it when it connects to another broker.
      'extendedKeyUsage=serverAuth,clientAuth',
      `subjectAltName=${subjectAltNames(hosts)}`,
      '',
    ].join('\n'),
  );
  const commonName = hosts.find((host) => !net.isIP(host)) ?? hosts[0]!;
  openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyPath, '-out', requestPath, '-subj', `/CN=${commonName}`]);
  openssl([
    'x509',
    '-req',
    '-in',
    requestPath,
    '-CA',
    ca.certificatePath,
    '-CAkey',
    ca.keyPath,
    '-set_serial',
    `0x${randomBytes(16).toString('hex')}`,
    '-days',
    String(DAYS),
    '-extfile',
    extensionsPath,
    '-out',
    certificatePath,
  ]);
  rmSync(requestPath);
  rmSync(extensionsPath);
  writeFileSync(keystorePath, readFileSync(keyPath, 'utf8') + readFileSync(certificatePath, 'utf8'), { mode: 0o600 });
  return { keystorePath, certificatePath, keyPath };
}

/** A CA in `dir` and a server certificate signed by it for `hosts` (127.0.0.1 and localhost by default). */
export function createTestCertificates(dir: string, hosts?: readonly string[]): TestCertificates {
  const ca = createCertificateAuthority(dir);
  return { ca, server: createServerCertificate(ca, dir, hosts) };
}
