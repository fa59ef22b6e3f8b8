import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { javaClientProperties, kafkajsSecurity } from '../src/security/client-security.ts';
import { checkCredentials, randomPassword } from '../src/security/credentials.ts';
import { certificateHosts, prepareNodeSecurity } from '../src/security/node-security.ts';
import { alterScramArguments, formatScramArguments } from '../src/security/scram.ts';

const scratch = mkdtempSync(path.join(os.tmpdir(), 'kafka-security-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('SCRAM users', () => {
  it('are written at format time with both mechanisms unless told otherwise', () => {
    expect(
      formatScramArguments([
        { username: 'admin', password: 'a1' },
        { username: 'source', password: 's1', mechanisms: ['SCRAM-SHA-512'] },
      ]),
    ).toEqual([
      '--add-scram',
      'SCRAM-SHA-256=[name=admin,password=a1]',
      '--add-scram',
      'SCRAM-SHA-512=[name=admin,password=a1]',
      '--add-scram',
      'SCRAM-SHA-512=[name=source,password=s1]',
    ]);
  });

  it('are added to a running node by kafka-configs, one mechanism a run', () => {
    expect(alterScramArguments({ username: 'source', password: 's1' }, 'SCRAM-SHA-256', '127.0.0.1:9092', '/d/admin.properties')).toEqual([
      '--bootstrap-server',
      '127.0.0.1:9092',
      '--command-config',
      '/d/admin.properties',
      '--alter',
      '--add-config',
      'SCRAM-SHA-256=[password=s1]',
      '--entity-type',
      'users',
      '--entity-name',
      'source',
    ]);
  });

  it('refuse characters that the bracket syntax would misread', () => {
    expect(() => formatScramArguments([{ username: 'x', password: 'a,b' }])).toThrow(/password of Kafka user "x"/);
    expect(() => formatScramArguments([{ username: 'x]', password: 'a' }])).toThrow(/user name "x]"/);
  });
});

describe('credentials', () => {
  it('makes random passwords that pass its own check', () => {
    for (let i = 0; i < 50; i++) expect(() => checkCredentials({ username: 'u', password: randomPassword() })).not.toThrow();
  });
});

describe('client security', () => {
  it('gives Kafka tools a SASL_SSL config trusting the CA by PEM', () => {
    expect(javaClientProperties({ caPath: '/d/ca.pem', mechanism: 'SCRAM-SHA-512', username: 'admin', password: 'pw' })).toBe(
      [
        'security.protocol=SASL_SSL',
        'sasl.mechanism=SCRAM-SHA-512',
        'sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="pw";',
        'ssl.truststore.type=PEM',
        'ssl.truststore.location=/d/ca.pem',
        '',
      ].join('\n'),
    );
  });

  it('certifies the listening and advertised hosts, never a wildcard address', () => {
    expect(certificateHosts('127.0.0.1', '127.0.0.1')).toEqual(['127.0.0.1', 'localhost']);
    expect(certificateHosts('0.0.0.0', 'kafka.local')).toEqual(['kafka.local', '127.0.0.1', 'localhost']);
  });
});

describe('prepareNodeSecurity', () => {
  it('makes the certificates and admin password once, keeps them in its directory, and gives kafkajs what it needs', () => {
    const dir = path.join(scratch, 'node-security');
    const first = prepareNodeSecurity({ scramUsers: [{ username: 'source', password: 's1', mechanisms: ['SCRAM-SHA-512'] }] }, dir, ['127.0.0.1', 'localhost']);
    const again = prepareNodeSecurity({}, dir, ['127.0.0.1', 'localhost']);
    expect(again.layout).toEqual({ ...first.layout, plainUsers: undefined });
    expect(readFileSync(path.join(dir, 'admin.password'), 'utf8').trim()).toBe(first.layout.admin.password);
    expect(first.formatArguments.filter((argument) => argument !== '--add-scram')).toEqual([
      `SCRAM-SHA-256=[name=admin,password=${first.layout.admin.password}]`,
      `SCRAM-SHA-512=[name=admin,password=${first.layout.admin.password}]`,
      'SCRAM-SHA-512=[name=source,password=s1]',
    ]);
    const access = first.access('127.0.0.1:9092', { version: '3.9.1', libDir: '/l', classPath: '/l/*', java: 'java' });
    expect(readFileSync(access.adminClientConfigPath, 'utf8')).toContain('sasl.mechanism=PLAIN');
    expect(access.kafkajs()).toEqual({
      ssl: { ca: [readFileSync(path.join(dir, 'ca.pem'), 'utf8')] },
      sasl: { mechanism: 'scram-sha-512', username: 'admin', password: first.layout.admin.password },
    });
    expect(kafkajsSecurity({ caPath: access.caPath, mechanism: 'PLAIN', username: 'u', password: 'p' }).sasl).toEqual({
      mechanism: 'plain',
      username: 'u',
      password: 'p',
    });
  });

  it('takes given certificates and admin password as they are', () => {
    const given = prepareNodeSecurity(
      { certificates: { caPath: '/c/ca.pem', keystorePath: '/c/ks.pem' }, adminPassword: 'given', authorizer: true },
      path.join(scratch, 'given'),
      ['localhost'],
    );
    expect(given.layout).toMatchObject({
      keystorePath: '/c/ks.pem',
      truststorePath: '/c/ca.pem',
      admin: { username: 'admin', password: 'given' },
      authorizer: true,
    });
  });
});
