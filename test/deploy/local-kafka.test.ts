import { describe, expect, it } from 'vitest';
import { loadLocalKafkaConfig } from '@orders-dwh/shared/config';
import { kafkaFlag } from '../../scripts/local-kafka.ts';

const kindOf = (argv: string[], env: Record<string, string>) => loadLocalKafkaConfig(env, kafkaFlag(argv)).kind;

describe("npm start's local Kafka", () => {
  it('is the development broker unless --kafka or LOCAL_KAFKA asks for Apache Kafka; the flag wins', () => {
    expect(kindOf([], {})).toBe('development');
    expect(kindOf(['--kafka', 'apache'], {})).toBe('apache');
    expect(kindOf([], { LOCAL_KAFKA: 'apache' })).toBe('apache');
    expect(kindOf(['--kafka', 'development'], { LOCAL_KAFKA: 'apache' })).toBe('development');
  });

  it('refuses anything else, naming the choices', () => {
    expect(() => kindOf(['--kafka', 'redpanda'], {})).toThrow('--kafka must be one of development, apache, got "redpanda"');
    expect(() => kindOf(['--kafka'], {})).toThrow('--kafka must be one of development, apache, got ""');
    expect(() => kindOf([], { LOCAL_KAFKA: 'redpanda' })).toThrow('LOCAL_KAFKA must be one of development, apache, got "redpanda"');
  });

  it('takes its port, data folders and partitions from the environment, checked like every other setting', () => {
    expect(loadLocalKafkaConfig({})).toEqual({
      kind: 'development',
      port: 9092,
      devBrokerDataDir: '.data/broker',
      apacheDataDir: '.data/kafka',
      partitions: 6,
    });
    expect(loadLocalKafkaConfig({ DEV_BROKER_PORT: '19092', DEV_BROKER_DATA_DIR: '/tmp/b', APACHE_KAFKA_DATA_DIR: 'k', TOPIC_PARTITIONS: '3' })).toEqual({
      kind: 'development',
      port: 19092,
      devBrokerDataDir: '/tmp/b',
      apacheDataDir: 'k',
      partitions: 3,
    });
    expect(() => loadLocalKafkaConfig({ DEV_BROKER_PORT: 'ninety' })).toThrow('DEV_BROKER_PORT must be an integer from 0 to 65535, got "ninety"');
  });
});
