// KAFKA_SSL_CERT_FILE and KAFKA_SSL_KEY_FILE against Apache Kafka that asks clients for a
// certificate (ssl.client.auth=requested on its SASL_SSL listener; `required` would also lock out the
// launcher's own readiness client). The services' settings, through loadKafkaSecurity and
// kafkajsSecurity, present the certificate: one signed by the cluster's CA gets in, one signed by
// another CA is refused, which a client that did not present it would not be.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type ApacheKafkaNode, createCertificateAuthority, createServerCertificate, startApacheKafka } from '@orders-dwh/apache-kafka';
import { kafkajsSecurity, loadKafkaSecurity } from '@orders-dwh/shared/kafka';
import kafkajs from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const { Kafka, logLevel } = kafkajs;
const scratch = mkdtempSync(path.join(os.tmpdir(), 'client-certificate-'));
let node: ApacheKafkaNode;

beforeAll(async () => {
  node = await startApacheKafka({
    dataDir: path.join(scratch, 'kafka'),
    port: 0,
    security: {},
    overrides: { 'listener.name.sasl_ssl.ssl.client.auth': 'requested' },
  });
}, 180_000);

afterAll(async () => {
  await node?.stop(); // SIGTERM, then SIGKILL if it has not exited in time; resolves once it has
  rmSync(scratch, { recursive: true, force: true });
});

/** One metadata request as a client configured by these settings would make. */
async function connectWith(env: Record<string, string>): Promise<string> {
  const security = loadKafkaSecurity({
    KAFKA_SSL: 'true',
    KAFKA_SSL_CA_FILE: node.security!.caPath,
    KAFKA_SASL_MECHANISM: 'scram-sha-512',
    KAFKA_SASL_USERNAME: node.security!.admin.username,
    KAFKA_SASL_PASSWORD: node.security!.admin.password,
    ...env,
  });
  const admin = new Kafka({
    brokers: [node.address],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 3000,
    retry: { retries: 0 },
    ...kafkajsSecurity(security),
  }).admin();
  try {
    await admin.connect();
    await admin.listTopics();
    return 'connected';
  } catch (error) {
    return (error as Error).message;
  } finally {
    await admin.disconnect();
  }
}

describe('a client certificate from KAFKA_SSL_CERT_FILE and KAFKA_SSL_KEY_FILE', () => {
  it('is presented: signed by the cluster’s CA it gets in, signed by another CA it is refused', async () => {
    // Certificates whose extended key usage includes clientAuth.
    const clusterCa = { certificatePath: node.security!.caPath, keyPath: path.join(path.dirname(node.security!.caPath), 'ca.key') };
    const trusted = createServerCertificate(clusterCa, path.join(scratch, 'trusted'), ['pipeline-client']);
    const untrusted = createServerCertificate(createCertificateAuthority(path.join(scratch, 'other-ca'), 'Another CA'), path.join(scratch, 'untrusted'), [
      'pipeline-client',
    ]);
    expect(await connectWith({})).toBe('connected');
    expect(await connectWith({ KAFKA_SSL_CERT_FILE: trusted.certificatePath, KAFKA_SSL_KEY_FILE: trusted.keyPath })).toBe('connected');
    expect(await connectWith({ KAFKA_SSL_CERT_FILE: untrusted.certificatePath, KAFKA_SSL_KEY_FILE: untrusted.keyPath })).not.toBe('connected');
  });
});
