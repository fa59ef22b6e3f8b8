import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const brokerUrl = new URL('../../src/index.ts', import.meta.url).href;

describe('RunningBroker.close()', () => {
  it('lets the process exit promptly even with a long-polling fetch and a held join in flight', () => {
    // Raw clients (kafkajs's own reconnect timers would keep a process alive by themselves): a
    // Fetch waiting 60 s, and a JoinGroup held up to 60 s for a member that will not rejoin.
    const script = `
      import net from 'node:net';
      import { createRequire } from 'node:module';
      import { startBroker } from ${JSON.stringify(brokerUrl)};
      const require = createRequire(import.meta.url);
      const encodeFrame = require('kafkajs/src/protocol/request.js');
      const build = (api, version, args) => require('kafkajs/src/protocol/requests/' + api + '/v' + version + '/request.js')(args);
      const frame = async (api, version, args, correlationId) => (await encodeFrame({ correlationId, clientId: 'close-test', request: build(api, version, args) })).buffer;

      const dataDir = process.argv[1];
      const broker = await startBroker({ port: 0, dataDir, defaultPartitions: 1 });
      const connect = () => new Promise((resolve) => { const s = net.connect(broker.port, '127.0.0.1', () => resolve(s)); s.on('error', () => {}); });
      const nextFrame = (socket) => new Promise((resolve) => socket.once('data', resolve));

      const fetcher = await connect();
      fetcher.write(await frame('metadata', 6, { topics: ['empty'], allowAutoTopicCreation: true }, 1));
      await nextFrame(fetcher);
      fetcher.write(await frame('fetch', 11, { replicaId: -1, maxWaitTime: 60000, minBytes: 1, maxBytes: 1048576, topics: [{ topic: 'empty', partitions: [{ partition: 0, fetchOffset: '0', maxBytes: 1048576 }] }] }, 2));

      const join = (memberId) => ({ groupId: 'g', sessionTimeout: 60000, rebalanceTimeout: 60000, memberId, protocolType: 'consumer', groupProtocols: [{ name: 'p', metadata: Buffer.alloc(0) }] });
      const first = await connect();
      first.write(await frame('joinGroup', 1, join(''), 1));
      await nextFrame(first);
      const second = await connect();
      let secondAnswered = false;
      second.on('data', () => (secondAnswered = true));
      second.write(await frame('joinGroup', 1, join(''), 1));
      await new Promise((resolve) => setTimeout(resolve, 300));
      console.log('join held: ' + !secondAnswered);

      const closing = Date.now();
      await broker.close();
      console.log('closed in ' + (Date.now() - closing) + ' ms');
    `;
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'broker-close-'));
    const startedAt = Date.now();
    let result;
    try {
      result = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, dataDir], {
        cwd: fileURLToPath(new URL('../../..', import.meta.url)),
        encoding: 'utf8',
        timeout: 30_000,
      });
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('join held: true');
    expect(result.status).toBe(0);
    expect(Number(/closed in (\d+) ms/.exec(result.stdout)?.[1])).toBeLessThan(1_000);
    // Well before the 60 s the fetch and the join would otherwise have kept timers alive.
    expect(Date.now() - startedAt).toBeLessThan(20_000);
  });
});
