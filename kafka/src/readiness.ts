// "Serving clients" means a metadata request answers with every expected broker registered; a
// listening socket alone is not enough (KRaft accepts connections before the broker is unfenced).
import { Kafka, type KafkaConfig, logLevel } from 'kafkajs';

/** How to reach a secured node: kafkajs's `ssl` and `sasl` (see security/client-security.ts). */
export type ClientSecurity = Pick<KafkaConfig, 'ssl' | 'sasl'>;

export async function waitForBrokers(bootstrap: string[], brokers: number, timeoutMs: number, security: ClientSecurity = {}): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const kafka = new Kafka({
    clientId: 'kafka-readiness',
    brokers: bootstrap,
    ...security,
    logLevel: logLevel.NOTHING,
    retry: { retries: 0 },
    connectionTimeout: 1000,
    requestTimeout: 5000,
  });
  let lastError: unknown = null;
  while (Date.now() < deadline) {
    const admin = kafka.admin();
    try {
      await admin.connect();
      const cluster = await admin.describeCluster();
      if (cluster.brokers.length >= brokers && cluster.controller !== null && cluster.controller >= 0) return;
      lastError = new Error(`${cluster.brokers.length} of ${brokers} brokers registered`);
    } catch (error) {
      lastError = error;
    } finally {
      await admin.disconnect().catch(() => {});
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`no answer from ${bootstrap.join(',')} within ${timeoutMs} ms: ${(lastError as Error)?.message ?? 'unknown'}`);
}
