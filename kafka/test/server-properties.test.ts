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

describe('serverProperties with security', () => {
  const security = {
    keystorePath: '/d/security/keystore.pem',
    truststorePath: '/d/security/ca.pem',
    admin: { username: 'admin', password: 'admin-secret' },
    plainUsers: [{ username: 'plain-user', password: 'p1' }],
  };
  const base = { nodeId: 1, host: '127.0.0.1', port: 9092, controllerPort: 9093, logDir: '/d/log', voters: ['1@127.0.0.1:9093'] };
  const secured = parse(serverProperties({ ...base, security }));

  it('leaves a node without security exactly as it was', () => {
    expect(serverProperties(base)).toBe(
      [
        'process.roles=broker,controller',
        'node.id=1',
        'controller.quorum.voters=1@127.0.0.1:9093',
        'listeners=PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093',
        'advertised.listeners=PLAINTEXT://127.0.0.1:9092',
        'controller.listener.names=CONTROLLER',
        'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
        'inter.broker.listener.name=PLAINTEXT',
        'log.dirs=/d/log',
        'num.partitions=1',
        'default.replication.factor=1',
        'offsets.topic.replication.factor=1',
        'transaction.state.log.replication.factor=1',
        'transaction.state.log.min.isr=1',
        'group.initial.rebalance.delay.ms=0',
        '',
      ].join('\n'),
    );
  });

  it('serves clients and other brokers on one SASL_SSL listener, the controller on SASL_PLAINTEXT', () => {
    expect(secured).toMatchObject({
      listeners: 'SASL_SSL://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093',
      'advertised.listeners': 'SASL_SSL://127.0.0.1:9092',
      'controller.listener.names': 'CONTROLLER',
      'listener.security.protocol.map': 'SASL_SSL:SASL_SSL,CONTROLLER:SASL_PLAINTEXT',
      'inter.broker.listener.name': 'SASL_SSL',
      'sasl.enabled.mechanisms': 'PLAIN,SCRAM-SHA-256,SCRAM-SHA-512',
      'sasl.mechanism.inter.broker.protocol': 'PLAIN',
      'sasl.mechanism.controller.protocol': 'PLAIN',
      'listener.name.controller.sasl.enabled.mechanisms': 'PLAIN',
    });
    const advertised = parse(serverProperties({ ...base, host: '0.0.0.0', advertisedHost: 'kafka.local', security }));
    expect(advertised['advertised.listeners']).toBe('SASL_SSL://kafka.local:9092');
  });

  it('reads a PEM keystore and truststore, no passwords', () => {
    expect(secured).toMatchObject({
      'ssl.keystore.type': 'PEM',
      'ssl.keystore.location': '/d/security/keystore.pem',
      'ssl.truststore.type': 'PEM',
      'ssl.truststore.location': '/d/security/ca.pem',
    });
    expect(Object.keys(secured).filter((key) => key.includes('password'))).toEqual([]);
  });

  it('logs brokers in as the admin by PLAIN, accepts the PLAIN users, and SCRAM from the metadata log', () => {
    const plain = 'org.apache.kafka.common.security.plain.PlainLoginModule required';
    expect(secured['listener.name.controller.plain.sasl.jaas.config']).toBe(`${plain} username="admin" password="admin-secret" user_admin="admin-secret";`);
    expect(secured['listener.name.sasl_ssl.plain.sasl.jaas.config']).toBe(
      `${plain} username="admin" password="admin-secret" user_admin="admin-secret" user_plain-user="p1";`,
    );
    expect(secured['listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config']).toBe('org.apache.kafka.common.security.scram.ScramLoginModule required;');
    expect(secured['listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config']).toBe('org.apache.kafka.common.security.scram.ScramLoginModule required;');
  });

  it('turns on the StandardAuthorizer only when asked, with the admin its one super user', () => {
    expect(secured['authorizer.class.name']).toBeUndefined();
    expect(parse(serverProperties({ ...base, security: { ...security, authorizer: true } }))).toMatchObject({
      'authorizer.class.name': 'org.apache.kafka.metadata.authorizer.StandardAuthorizer',
      'super.users': 'User:admin',
      'allow.everyone.if.no.acl.found': 'false',
    });
  });

  it('refuses a user name or password that would break the JAAS config', () => {
    expect(() => serverProperties({ ...base, security: { ...security, plainUsers: [{ username: 'bob', password: 'a"b' }] } })).toThrow(
      /password of Kafka user "bob"/,
    );
    expect(() => serverProperties({ ...base, security: { ...security, admin: { username: 'ad min', password: 'x' } } })).toThrow(/user name "ad min"/);
  });
});

describe('log4jProperties', () => {
  it("sends Kafka's log to the given file", () => {
    expect(log4jProperties('/d/logs/server.log')).toContain('log4j.appender.file.File=/d/logs/server.log');
  });
});
