import { describe, expect, it } from 'vitest';
import { KafkaJSIncompleteSendError, unacknowledgedPartitions } from '../../src/clients/kafka.ts';

const result = (topicName: string, partition: number, errorCode = 0) => ({ topicName, partition, errorCode });

describe('unacknowledgedPartitions', () => {
  it('names each partition a send wrote to that its results do not acknowledge, once, sorted', () => {
    const assigned = ['t[2]', 't[0]', 't[2]', 'u[1]', 't[1]'];
    expect(unacknowledgedPartitions(assigned, [result('t', 0), result('u', 1)])).toEqual(['t[1]', 't[2]']);
    expect(unacknowledgedPartitions(assigned, [result('t', 0), result('t', 1), result('t', 2), result('u', 1)])).toEqual([]);
  });

  it('counts a result with an error code as not acknowledged', () => {
    expect(unacknowledgedPartitions(['t[0]'], [result('t', 0, 6)])).toEqual(['t[0]']);
  });
});

describe('KafkaJSIncompleteSendError', () => {
  it('is a retriable kafkajs error naming the partitions, so stages retry and /push answers 503', () => {
    const error = new KafkaJSIncompleteSendError(['t[1]']);
    expect(error.name).toBe('KafkaJSIncompleteSendError');
    expect(error.retriable).toBe(true);
    expect(error.message).toContain('t[1] never acknowledged');
  });
});
