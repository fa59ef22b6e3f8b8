import { describe, expect, it } from 'vitest';
import { localKafkaKind } from '../../scripts/local-kafka.ts';

describe('localKafkaKind (npm start)', () => {
  it('is the development broker unless --kafka or LOCAL_KAFKA asks for Apache Kafka; the flag wins', () => {
    expect(localKafkaKind([], {})).toBe('development');
    expect(localKafkaKind(['--kafka', 'apache'], {})).toBe('apache');
    expect(localKafkaKind([], { LOCAL_KAFKA: 'apache' })).toBe('apache');
    expect(localKafkaKind(['--kafka', 'development'], { LOCAL_KAFKA: 'apache' })).toBe('development');
  });

  it('refuses anything else, naming the choices', () => {
    expect(() => localKafkaKind(['--kafka', 'redpanda'], {})).toThrow('--kafka (or LOCAL_KAFKA) must be "development" or "apache", got "redpanda"');
    expect(() => localKafkaKind(['--kafka'], {})).toThrow(/got "undefined"/);
  });
});
