import { describe, expect, it } from 'vitest';
import { formatAcls, pipelineAcls, SERVICES, toAclEntry } from '../../scripts/topics/acls.ts';
import { parseTopicsArgs, UsageError } from '../../scripts/topics/cli-args.ts';
import { formatMessages, formatOverview, prettyValue } from '../../scripts/topics/format.ts';
import { partitionLag } from '../../scripts/topics/overview.ts';
import { newest, tailStarts, type TailedMessage } from '../../scripts/topics/tail.ts';

describe('topics: --acls', () => {
  const topics = { stg: 'stg_service', dds: 'dds_service', cdm: 'cdm_service', deadLetters: 'dead_letters' };
  const acls = pipelineAcls(topics);
  const may = (service: string, operation: string, resource: string, name: string) =>
    acls.some((acl) => acl.service === service && acl.operation === operation && acl.resource === resource && acl.name === name);

  it('reads the users of the services, each defaulting to its service’s name, and the topics from the configuration', () => {
    const command = parseTopicsArgs(['--acls', '--users', 'source=svc-source,cdm=svc-cdm'], { TOPIC_CDM: 'my_cdm' });
    expect(command).toMatchObject({ kind: 'acls', users: { source: 'svc-source', stg: 'stg', dds: 'dds', cdm: 'svc-cdm' } });
    expect(command.kind === 'acls' && command.config.topics.cdm).toBe('my_cdm');
    expect(() => parseTopicsArgs(['--users', 'source=a'], {})).toThrow('--users goes with --acls');
    expect(() => parseTopicsArgs(['--acls', '--users', 'sauce=a'], {})).toThrow('--users names services among source, stg, dds, cdm, got "sauce"');
    expect(() => parseTopicsArgs(['--acls', '--users', 'stg=a b'], {})).toThrow('--users needs service=user with a Kafka user name, got "stg=a b"');
    expect(() => parseTopicsArgs(['--acls', '--tail', 'x'], {})).toThrow('--acls and --tail do not go together');
  });

  it('lets each service write only its own output (and the dead letters), and read only its own input with its own group', () => {
    const writes = (service: string) => acls.filter((acl) => acl.service === service && acl.operation === 'WRITE').map((acl) => acl.name);
    expect(writes('source')).toEqual(['stg_service']);
    expect(writes('stg')).toEqual(['dds_service', 'dead_letters']);
    expect(writes('dds')).toEqual(['cdm_service', 'dead_letters']);
    expect(writes('cdm')).toEqual(['dead_letters']);
    const reads = (service: string) => acls.filter((acl) => acl.service === service && acl.operation === 'READ').map((acl) => `${acl.resource} ${acl.name}`);
    expect(reads('source')).toEqual([]);
    expect(reads('stg')).toEqual(['topic stg_service', 'group stg-service']);
    expect(reads('dds')).toEqual(['topic dds_service', 'group dds-service']);
    expect(reads('cdm')).toEqual(['topic cdm_service', 'group cdm-service']);
    for (const service of SERVICES) expect(may(service, 'IDEMPOTENT_WRITE', 'cluster', 'kafka-cluster'), service).toBe(true);
    expect(may('source', 'DESCRIBE', 'group', 'cdm-service')).toBe(true); // the dashboard's lag figures
  });

  it('turns each into kafkajs’s ACL for the service’s user, and prints one line per user', () => {
    const users = { source: 'svc-source', stg: 'svc-stg', dds: 'svc-dds', cdm: 'svc-cdm' };
    const entry = toAclEntry({ service: 'stg', resource: 'group', name: 'stg-service', operation: 'READ' }, users);
    expect(entry).toEqual({
      resourceType: 3,
      resourceName: 'stg-service',
      resourcePatternType: 3,
      principal: 'User:svc-stg',
      host: '*',
      operation: 3,
      permissionType: 3,
    });
    expect(formatAcls(acls, users).split('\n')[3]).toBe(
      'User:svc-cdm (cdm): IDEMPOTENT_WRITE cluster kafka-cluster, READ+DESCRIBE topic cdm_service, READ+DESCRIBE group cdm-service, WRITE+DESCRIBE topic dead_letters',
    );
  });
});

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
