import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { CreatableTopic } from '../../../src/protocol/apis/create-topics.ts';
import { ErrorCode } from '../../../src/protocol/error-codes.ts';
import { createTopics, deleteTopics } from '../../../src/server/handlers/topic-handlers.ts';
import { makeTestContext, type TestContext } from '../test-context.ts';

let test: TestContext;
afterEach(() => test?.dispose());

function topic(name: string, numPartitions: number, replicationFactor = 1): CreatableTopic {
  return { name, numPartitions, replicationFactor, assignments: [], configs: [] };
}

describe('createTopics handler', () => {
  it('creates topics with their partition counts; -1 means the default count', () => {
    test = makeTestContext({ defaultPartitions: 4 });
    const response = createTopics(test.ctx, { topics: [topic('a', 3), topic('b', -1, -1)], timeoutMs: 1000, validateOnly: false });
    expect(response.topics.map((t) => [t.name, t.errorCode])).toEqual([
      ['a', 0],
      ['b', 0],
    ]);
    expect(test.ctx.topics.get('a')!.partitions).toHaveLength(3);
    expect(test.ctx.topics.get('b')!.partitions).toHaveLength(4);
  });

  it('answers each bad topic with its own error and creates the good ones', () => {
    test = makeTestContext();
    test.ctx.topics.create('exists', 1);
    const response = createTopics(test.ctx, {
      topics: [topic('exists', 1), topic('twice', 1), topic('twice', 2), topic('rf3', 1, 3), topic('zero', 0), topic('bad/name', 1), topic('fine', 2)],
      timeoutMs: 1000,
      validateOnly: false,
    });
    expect(response.topics.map((t) => [t.name, t.errorCode])).toEqual([
      ['exists', ErrorCode.TOPIC_ALREADY_EXISTS],
      ['twice', ErrorCode.INVALID_REQUEST],
      ['twice', ErrorCode.INVALID_REQUEST],
      ['rf3', ErrorCode.INVALID_REPLICATION_FACTOR],
      ['zero', ErrorCode.INVALID_PARTITIONS],
      ['bad/name', ErrorCode.INVALID_TOPIC_EXCEPTION],
      ['fine', 0],
    ]);
    expect(response.topics.filter((t) => t.errorCode !== 0).every((t) => typeof t.errorMessage === 'string')).toBe(true);
    expect(
      test.ctx.topics
        .list()
        .map((t) => t.name)
        .sort(),
    ).toEqual(['exists', 'fine']);
  });

  it('validateOnly checks without creating', () => {
    test = makeTestContext();
    const response = createTopics(test.ctx, { topics: [topic('dry', 2), topic('bad/name', 1)], timeoutMs: 1000, validateOnly: true });
    expect(response.topics.map((t) => t.errorCode)).toEqual([0, ErrorCode.INVALID_TOPIC_EXCEPTION]);
    expect(test.ctx.topics.get('dry')).toBeUndefined();
  });
});

describe('deleteTopics handler', () => {
  it('removes the topic, its directory and its committed offsets; unknown topics get an error', () => {
    test = makeTestContext();
    test.ctx.topics.create('gone', 2);
    test.ctx.topics.create('kept', 1);
    const dir = test.ctx.topics.get('gone')!.partitions[0]!.dir;
    test.ctx.offsets.commit('g', [
      { topic: 'gone', partition: 0, offset: 5n, metadata: null },
      { topic: 'kept', partition: 0, offset: 1n, metadata: null },
    ]);
    const response = deleteTopics(test.ctx, { topicNames: ['gone', 'never'], timeoutMs: 1000 });
    expect(response.responses).toEqual([
      { name: 'gone', errorCode: 0 },
      { name: 'never', errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION },
    ]);
    expect(test.ctx.topics.get('gone')).toBeUndefined();
    expect(fs.existsSync(dir)).toBe(false);
    expect(test.ctx.offsets.listForGroup('g').map((o) => o.topic)).toEqual(['kept']);
  });
});
