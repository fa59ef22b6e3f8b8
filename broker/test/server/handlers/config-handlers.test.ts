import { afterEach, describe, expect, it } from 'vitest';
import type { DescribeConfigsResource } from '../../../src/protocol/apis/describe-configs.ts';
import { ErrorCode } from '../../../src/protocol/error-codes.ts';
import { describeConfigs } from '../../../src/server/handlers/config-handlers.ts';
import { makeTestContext, type TestContext } from '../test-context.ts';

let test: TestContext;
afterEach(() => test?.dispose());

const TOPIC = 2;
const BROKER = 4;
const BROKER_LOGGER = 8;
const STATIC_BROKER_CONFIG = 4;
const DEFAULT_CONFIG = 5;

function describeOne(
  resource: Omit<DescribeConfigsResource, 'configurationKeys'> & { configurationKeys?: string[] | null },
  flags = { includeSynonyms: false, includeDocumentation: false },
) {
  const { results } = describeConfigs(test.ctx, { resources: [{ configurationKeys: null, ...resource }], ...flags });
  return results[0]!;
}

const valuesOf = (result: ReturnType<typeof describeOne>) => Object.fromEntries(result.configs.map((c) => [c.name, c.value]));

describe('describeConfigs handler', () => {
  it("answers a topic's configs: the broker's behaviour, read-only, sourced from Kafka's defaults or the broker", () => {
    test = makeTestContext();
    test.ctx.topics.create('orders', 1);
    test.ctx.settings.retentionBytes = 5_000_000;
    const result = describeOne({ resourceType: TOPIC, resourceName: 'orders' });
    expect(result).toMatchObject({ errorCode: 0, errorMessage: null, resourceType: TOPIC, resourceName: 'orders' });
    expect(valuesOf(result)).toEqual({
      'cleanup.policy': 'delete',
      'compression.type': 'producer',
      'flush.messages': '9223372036854775807',
      'max.message.bytes': '1048588',
      'message.timestamp.type': 'CreateTime',
      'min.insync.replicas': '1',
      'retention.bytes': '5000000',
      'retention.ms': '-1',
      'segment.bytes': '268435456',
    });
    const byName = new Map(result.configs.map((c) => [c.name, c]));
    expect(byName.get('cleanup.policy')).toMatchObject({ source: DEFAULT_CONFIG, readOnly: true, isSensitive: false, synonyms: [], documentation: null });
    expect(byName.get('retention.bytes')).toMatchObject({ source: STATIC_BROKER_CONFIG });
    expect(result.configs.every((c) => c.readOnly)).toBe(true);
  });

  it('keeps only the keys asked for, and adds synonyms and documentation when asked', () => {
    test = makeTestContext();
    test.ctx.topics.create('orders', 1);
    const result = describeOne(
      { resourceType: TOPIC, resourceName: 'orders', configurationKeys: ['retention.ms', 'no.such.config'] },
      { includeSynonyms: true, includeDocumentation: true },
    );
    expect(result.configs).toEqual([
      {
        name: 'retention.ms',
        value: '-1',
        readOnly: true,
        source: STATIC_BROKER_CONFIG,
        isSensitive: false,
        synonyms: [{ name: 'log.retention.ms', value: '-1', source: STATIC_BROKER_CONFIG }],
        configType: 5,
        documentation: 'The development broker has no time-based retention.',
      },
    ]);
  });

  it('refuses a missing topic and an illegal name as Kafka does', () => {
    test = makeTestContext();
    expect(describeOne({ resourceType: TOPIC, resourceName: 'missing' })).toMatchObject({
      errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
      errorMessage: "The topic 'missing' does not exist.",
      configs: [],
    });
    expect(describeOne({ resourceType: TOPIC, resourceName: 'bad name!' }).errorCode).toBe(ErrorCode.INVALID_TOPIC_EXCEPTION);
  });

  it("answers this broker's configs by its id, no dynamic defaults for the empty name, and refuses other ids", () => {
    test = makeTestContext({ defaultPartitions: 6 });
    const broker = describeOne({ resourceType: BROKER, resourceName: '0' });
    expect(broker.errorCode).toBe(0);
    expect(valuesOf(broker)).toMatchObject({
      'num.partitions': '6',
      'broker.id': '0',
      'node.id': '0',
      'advertised.listeners': 'PLAINTEXT://127.0.0.1:9092',
      'log.retention.ms': '-1',
      'log.segment.bytes': '268435456',
      'offsets.topic.replication.factor': '1',
      'group.initial.rebalance.delay.ms': '0',
    });
    expect(broker.configs.find((c) => c.name === 'num.partitions')?.source).toBe(STATIC_BROKER_CONFIG);
    expect(broker.configs.find((c) => c.name === 'message.max.bytes')?.source).toBe(DEFAULT_CONFIG);
    expect(describeOne({ resourceType: BROKER, resourceName: '' })).toMatchObject({ errorCode: 0, configs: [] });
    expect(describeOne({ resourceType: BROKER, resourceName: '3' })).toMatchObject({
      errorCode: ErrorCode.INVALID_REQUEST,
      errorMessage: 'Unexpected broker id, expected 0 or empty string, but received 3',
    });
    expect(describeOne({ resourceType: BROKER, resourceName: 'x' }).errorCode).toBe(ErrorCode.INVALID_REQUEST);
  });

  it('refuses broker loggers and unknown resource types', () => {
    test = makeTestContext();
    expect(describeOne({ resourceType: BROKER_LOGGER, resourceName: '0' })).toMatchObject({
      errorCode: ErrorCode.INVALID_REQUEST,
      errorMessage: 'Unsupported resource type: 8',
    });
    expect(describeOne({ resourceType: 99, resourceName: 'x' }).errorCode).toBe(ErrorCode.INVALID_REQUEST);
  });
});
