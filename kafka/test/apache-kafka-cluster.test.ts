// What the cluster launcher decides before any JVM starts: node ids, distinct ports, the voters.
import { describe, expect, it } from 'vitest';
import { clusterLayout, clusterVoters } from '../src/apache-kafka-cluster.ts';
import { serverProperties } from '../src/server-properties.ts';

describe('clusterLayout', () => {
  it('numbers the nodes from 1 and gives each a client and a controller port', () => {
    expect(clusterLayout(3, [9001, 9002, 9003, 9004, 9005, 9006])).toEqual([
      { nodeId: 1, port: 9001, controllerPort: 9002 },
      { nodeId: 2, port: 9003, controllerPort: 9004 },
      { nodeId: 3, port: 9005, controllerPort: 9006 },
    ]);
  });

  it('refuses ports that repeat or do not number two per node', () => {
    expect(() => clusterLayout(2, [9001, 9002, 9001, 9004])).toThrow('4 distinct ports');
    expect(() => clusterLayout(2, [9001, 9002, 9003])).toThrow('4 distinct ports');
  });

  it('refuses a cluster of no nodes', () => {
    expect(() => clusterLayout(0, [])).toThrow('at least 1');
    expect(() => clusterLayout(1.5, [9001, 9002])).toThrow('at least 1');
  });
});

describe('clusterVoters', () => {
  it('lists every node as a voter at its controller port', () => {
    const layout = [
      { nodeId: 1, port: 9001, controllerPort: 9101 },
      { nodeId: 2, port: 9002, controllerPort: 9102 },
      { nodeId: 3, port: 9003, controllerPort: 9103 },
    ];
    expect(clusterVoters('127.0.0.1', layout)).toEqual(['1@127.0.0.1:9101', '2@127.0.0.1:9102', '3@127.0.0.1:9103']);
  });

  it('gives every node of three the same quorum and replication defaults of 3 (2 in sync for transactions)', async () => {
    const layout = clusterLayout(3, [1, 2, 3, 4, 5, 6]);
    const voters = clusterVoters('127.0.0.1', layout);
    for (const node of layout) {
      const properties = serverProperties({ ...node, host: '127.0.0.1', logDir: '/data', voters, overrides: { 'min.insync.replicas': 2 } });
      expect(properties).toContain(`node.id=${node.nodeId}\n`);
      expect(properties).toContain('controller.quorum.voters=1@127.0.0.1:2,2@127.0.0.1:4,3@127.0.0.1:6\n');
      expect(properties).toContain('default.replication.factor=3\n');
      expect(properties).toContain('offsets.topic.replication.factor=3\n');
      expect(properties).toContain('transaction.state.log.min.isr=2\n');
      expect(properties).toContain('min.insync.replicas=2\n');
    }
  });
});
