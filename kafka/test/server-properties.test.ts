import { describe, expect, it } from 'vitest';
import { log4jProperties, serverProperties } from '../src/server-properties.ts';

const parse = (text: string) =>
  Object.fromEntries(
    text
      .trim()
      .split('\n')
      .map((line) => line.split(/=(.*)/s).slice(0, 2)),
  );

describe('serverProperties', () => {
  const single = parse(serverProperties({ nodeId: 1, host: '127.0.0.1', port: 9092, controllerPort: 9093, logDir: '/d/log', voters: ['1@127.0.0.1:9093'] }));

  it('makes one node broker and controller of its own quorum, clients on PLAINTEXT', () => {
    expect(single).toMatchObject({
      'process.roles': 'broker,controller',
      'node.id': '1',
      'controller.quorum.voters': '1@127.0.0.1:9093',
      listeners: 'PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093',
      'advertised.listeners': 'PLAINTEXT://127.0.0.1:9092',
      'controller.listener.names': 'CONTROLLER',
      'log.dirs': '/d/log',
    });
  });

  it('replicates Kafka internal topics as far as the cluster allows: 1 on one node, 3 (min ISR 2) on three', () => {
    expect(single).toMatchObject({
      'offsets.topic.replication.factor': '1',
      'transaction.state.log.replication.factor': '1',
      'transaction.state.log.min.isr': '1',
      'default.replication.factor': '1',
    });
    const voters = ['1@127.0.0.1:1', '2@127.0.0.1:2', '3@127.0.0.1:3'];
    const third = parse(
      serverProperties({ nodeId: 3, host: '127.0.0.1', port: 9, controllerPort: 3, logDir: '/x', voters, overrides: { 'min.insync.replicas': 2 } }),
    );
    expect(third).toMatchObject({
      'node.id': '3',
      'controller.quorum.voters': voters.join(','),
      'offsets.topic.replication.factor': '3',
      'transaction.state.log.min.isr': '2',
      'min.insync.replicas': '2',
    });
  });

  it('advertises another host when asked, and lets overrides win', () => {
    const props = parse(
      serverProperties({
        nodeId: 1,
        host: '0.0.0.0',
        advertisedHost: 'kafka.local',
        port: 1,
        controllerPort: 2,
        logDir: '/l',
        voters: ['1@0.0.0.0:2'],
        defaultPartitions: 6,
        overrides: { 'num.partitions': 12 },
      }),
    );
    expect(props['advertised.listeners']).toBe('PLAINTEXT://kafka.local:1');
    expect(props['num.partitions']).toBe('12');
  });
});

describe('log4jProperties', () => {
  it("sends Kafka's log to the given file", () => {
    expect(log4jProperties('/d/logs/server.log')).toContain('log4j.appender.file.File=/d/logs/server.log');
  });
});
