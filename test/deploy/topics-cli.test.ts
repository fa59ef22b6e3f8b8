import { describe, expect, it } from 'vitest';
import { parseTopicsArgs, UsageError } from '../../scripts/topics/cli-args.ts';
import { formatMessages, formatOverview, prettyValue } from '../../scripts/topics/format.ts';
import { partitionLag } from '../../scripts/topics/overview.ts';
import { newest, tailStarts, type TailedMessage } from '../../scripts/topics/tail.ts';

describe('topics: arguments', () => {
  it('defaults to an overview of KAFKA_BROKERS, else 127.0.0.1:9092', () => {
    expect(parseTopicsArgs([], {})).toEqual({ kind: 'overview', brokers: ['127.0.0.1:9092'], json: false });
    expect(parseTopicsArgs(['--json'], { KAFKA_BROKERS: 'a:1, b:2' })).toEqual({ kind: 'overview', brokers: ['a:1', 'b:2'], json: true });
  });

  it('reads --tail, --last and --brokers', () => {
    expect(parseTopicsArgs(['--tail', 'dds_service', '--last', '5', '--brokers', 'kafka:9094'], { KAFKA_BROKERS: 'x:1' })).toEqual({
      kind: 'tail',
      brokers: ['kafka:9094'],
      topic: 'dds_service',
      last: 5,
      json: false,
    });
    expect(parseTopicsArgs(['--tail', 't'], {})).toMatchObject({ last: 10 });
  });

  it('refuses what it does not understand', () => {
    expect(() => parseTopicsArgs(['--tail'], {})).toThrow(UsageError);
    expect(() => parseTopicsArgs(['--tail', 't', '--last', '0'], {})).toThrow(/--last must be/);
    expect(() => parseTopicsArgs(['--last', 'five'], {})).toThrow(/--last must be/);
    expect(() => parseTopicsArgs(['--verbose'], {})).toThrow(/unknown option --verbose/);
    expect(() => parseTopicsArgs([], { KAFKA_BROKERS: 'nohost' })).toThrow(/host:port/);
  });
});

describe('topics: lag and tail arithmetic', () => {
  it('measures lag from the committed offset, or from the log start when nothing is committed', () => {
    expect(partitionLag({ partition: 0, start: 0, end: 100 }, 60)).toBe(40);
    expect(partitionLag({ partition: 0, start: 10, end: 100 }, null)).toBe(90);
    expect(partitionLag({ partition: 0, start: 50, end: 100 }, 20)).toBe(50); // committed before retention removed it
    expect(partitionLag({ partition: 0, start: 0, end: 100 }, 100)).toBe(0);
  });

  it('starts each partition at most N before its end, skipping empty ones', () => {
    const starts = tailStarts(
      [
        { partition: 0, start: 0, end: 100 },
        { partition: 1, start: 0, end: 2 },
        { partition: 2, start: 7, end: 7 },
        { partition: 3, start: 95, end: 100 },
      ],
      5,
    );
    expect([...starts]).toEqual([
      [0, 95],
      [1, 0],
      [3, 95],
    ]);
  });

  it('keeps the newest N messages across partitions, oldest first', () => {
    const m = (partition: number, offset: number, timestamp: number): TailedMessage => ({ partition, offset, timestamp, key: null, value: null });
    const read = [m(0, 8, 100), m(0, 9, 400), m(1, 3, 200), m(1, 4, 300), m(2, 0, 50)];
    expect(newest(read, 3)).toEqual([m(1, 3, 200), m(1, 4, 300), m(0, 9, 400)]);
    expect(newest(read, 10)).toHaveLength(5);
  });
});

describe('topics: output', () => {
  it('prints topics with their offsets, and groups with committed offsets and lag', () => {
    const text = formatOverview(
      {
        topics: [
          {
            name: 'dds_service',
            partitions: [
              { partition: 0, start: 0, end: 12 },
              { partition: 1, start: 0, end: 8 },
            ],
          },
        ],
        groups: [
          {
            groupId: 'dds-service',
            state: 'Stable',
            members: 2,
            topics: [
              {
                topic: 'dds_service',
                partitions: [
                  { partition: 0, committed: 10, end: 12, lag: 2 },
                  { partition: 1, committed: null, end: 8, lag: 8 },
                ],
              },
            ],
          },
        ],
      },
      ['127.0.0.1:9092'],
    );
    expect(text.split('\n')).toEqual([
      'Kafka at 127.0.0.1:9092: 1 topic(s), 1 consumer group(s)',
      '',
      'Topics',
      '  dds_service: 2 partition(s), 20 message(s)',
      '    partition  start  end',
      '    0          0      12',
      '    1          0      8',
      '',
      'Consumer groups',
      '  dds-service (Stable, 2 members) on dds_service: lag 10',
      '    partition  committed  end  lag',
      '    0          10         12   2',
      '    1          -          8    8',
    ]);
  });

  it('pretty-prints JSON values and leaves other values as they are', () => {
    expect(prettyValue('{"a":1,"b":[2]}')).toBe('{\n  "a": 1,\n  "b": [\n    2\n  ]\n}');
    expect(prettyValue('not json {')).toBe('not json {');
    expect(prettyValue(null)).toBe('(null)');
    const text = formatMessages('t', [{ partition: 1, offset: 7, timestamp: Date.UTC(2025, 10, 21), key: 'k', value: '{"x":true}' }]);
    expect(text).toBe('--- t partition 1 offset 7  key k  2025-11-21T00:00:00.000Z\n{\n  "x": true\n}');
    expect(formatMessages('t', [])).toBe('t: no messages');
  });
});
