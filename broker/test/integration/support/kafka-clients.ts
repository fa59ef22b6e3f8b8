import { Kafka, Partitioners, logLevel, type KafkaConfig } from 'kafkajs';

/** A kafkajs client for a test broker: quiet, short retries so a broken broker fails fast. */
export function kafkaFor(address: string, clientId = 'broker-it', overrides: Partial<KafkaConfig> = {}): Kafka {
  return new Kafka({
    clientId,
    brokers: [address],
    logLevel: logLevel.NOTHING,
    retry: { retries: 3, initialRetryTime: 100, maxRetryTime: 1000 },
    ...overrides,
  });
}

/** kafkajs 2's default partitioner (murmur2, like Java's), without its console warning. */
export const defaultPartitioner = Partitioners.DefaultPartitioner;

/** Polls until check() is truthy or timeoutMs passes (then throws with the label). */
export async function waitUntil<T>(label: string, check: () => T | Promise<T>, timeoutMs = 10_000, intervalMs = 50): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${label}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
