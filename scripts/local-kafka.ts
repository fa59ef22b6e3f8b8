// The Kafka `npm start` runs when KAFKA_BROKERS is not set: the development broker in this process
// (default), or Apache Kafka as a child JVM from Maven jars (`npm start -- --kafka apache`, or
// LOCAL_KAFKA=apache), on DEV_BROKER_PORT either way.
import path from 'node:path';
import { startBroker } from '@orders-dwh/dev-broker';
import { startApacheKafka, ensureKafkaDistribution } from '@orders-dwh/apache-kafka';
import type { LocalKafkaConfig } from '@orders-dwh/shared/config';

export interface LocalKafka {
  address: string;
  description: string;
  close(): Promise<void>;
}

/** The --kafka argument, if given (it wins over LOCAL_KAFKA). */
export function kafkaFlag(argv: readonly string[]): string | undefined {
  const flag = argv.indexOf('--kafka');
  return flag >= 0 ? (argv[flag + 1] ?? '') : undefined;
}

export async function startLocalKafka(
  { kind, port, partitions, devBrokerDataDir, apacheDataDir }: LocalKafkaConfig,
  root: string,
  env: NodeJS.ProcessEnv,
  options: { onUnexpectedExit: (reason: string) => void; log: (line: string) => void },
): Promise<LocalKafka> {
  if (kind === 'apache') {
    const dataDir = path.resolve(root, apacheDataDir);
    const node = await startApacheKafka({
      dataDir,
      port,
      defaultPartitions: partitions,
      distribution: ensureKafkaDistribution({ env, log: options.log }),
      onUnexpectedExit: options.onUnexpectedExit,
    });
    return {
      address: node.address,
      description: `Apache Kafka ${node.version} listening on ${node.address}, data in ${dataDir}, log in ${node.logFile}`,
      close: () => node.stop(),
    };
  }
  const dataDir = path.resolve(root, devBrokerDataDir);
  const broker = await startBroker({ host: '127.0.0.1', port, dataDir, defaultPartitions: partitions });
  return { address: broker.address, description: `development broker listening on ${broker.address}, data in ${dataDir}`, close: () => broker.close() };
}
