// The Kafka `npm start` runs when KAFKA_BROKERS is not set: the development broker in this process
// (default), or Apache Kafka as a child JVM from Maven jars (`npm start -- --kafka apache`, or
// LOCAL_KAFKA=apache), on DEV_BROKER_PORT either way.
import path from 'node:path';
import { startBroker } from '../broker/src/index.ts';
import { startApacheKafka } from '../kafka/src/apache-kafka.ts';
import { ensureKafkaDistribution } from '../kafka/src/distribution.ts';

export type LocalKafkaKind = 'development' | 'apache';

export interface LocalKafka {
  address: string;
  description: string;
  close(): Promise<void>;
}

export function localKafkaKind(argv: string[], env: NodeJS.ProcessEnv): LocalKafkaKind {
  const flag = argv.indexOf('--kafka');
  const value = flag >= 0 ? argv[flag + 1] : env.LOCAL_KAFKA || 'development';
  if (value !== 'development' && value !== 'apache') throw new Error(`--kafka (or LOCAL_KAFKA) must be "development" or "apache", got "${value}"`);
  return value;
}

export async function startLocalKafka(
  kind: LocalKafkaKind,
  root: string,
  env: NodeJS.ProcessEnv,
  options: { onUnexpectedExit: (reason: string) => void; log: (line: string) => void },
): Promise<LocalKafka> {
  const port = Number(env.DEV_BROKER_PORT || 9092);
  const partitions = Number(env.TOPIC_PARTITIONS || 6);
  if (kind === 'apache') {
    const dataDir = path.resolve(root, env.APACHE_KAFKA_DATA_DIR || path.join('.data', 'kafka'));
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
  const dataDir = path.resolve(root, env.DEV_BROKER_DATA_DIR || path.join('.data', 'broker'));
  const broker = await startBroker({ host: '127.0.0.1', port, dataDir, defaultPartitions: partitions });
  return { address: broker.address, description: `development broker listening on ${broker.address}, data in ${dataDir}`, close: () => broker.close() };
}
