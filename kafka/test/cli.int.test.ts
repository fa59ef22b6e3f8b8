// `npm run kafka` as a user runs it: Apache Kafka starts, prints its address, serves Kafka's own
// tools, and stops on SIGTERM; without Java or Maven it says in one sentence what to install.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../src/free-port.ts';
import { kafkaVersion } from '../src/distribution.ts';

const root = path.resolve(import.meta.dirname, '..', '..');
const cli = ['--import', 'tsx', path.join(root, 'kafka', 'src', 'cli.ts')];
const scratch = mkdtempSync(path.join(os.tmpdir(), 'kafka-cli-'));

function run(args: string[], env: NodeJS.ProcessEnv = process.env) {
  return spawnSync(process.execPath, [...cli, ...args], { cwd: root, env, encoding: 'utf8', timeout: 120_000 });
}

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('npm run kafka', () => {
  it('starts Apache Kafka, prints its address once it serves clients, runs the tools against it, and stops on SIGTERM', async () => {
    const port = await freePort();
    const dataDir = path.join(scratch, 'data');
    const child = spawn(process.execPath, [...cli, '--port', String(port), '--data-dir', dataDir], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const deadline = Date.now() + 90_000;
      while (!output.includes('listening on') && Date.now() < deadline && child.exitCode === null) await new Promise((r) => setTimeout(r, 200));
      expect(output).toContain(`Apache Kafka ${kafkaVersion()} listening on 127.0.0.1:${port}`);

      const bootstrap = `127.0.0.1:${port}`;
      const create = run(['tool', 'kafka-topics', '--bootstrap-server', bootstrap, '--create', '--topic', 'cli_check', '--partitions', '2']);
      expect(create.status, create.stderr).toBe(0);
      expect(create.stdout).toContain('Created topic cli_check');
      const describeTopic = run(['tool', 'kafka-topics', '--bootstrap-server', bootstrap, '--describe', '--topic', 'cli_check']);
      expect(describeTopic.stdout).toMatch(/Topic: cli_check\s+TopicId: \S+\s+PartitionCount: 2/);
      const produce = spawnSync(process.execPath, [...cli, 'tool', 'kafka-console-producer', '--bootstrap-server', bootstrap, '--topic', 'cli_check'], {
        cwd: root,
        input: 'one\ntwo\n',
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(produce.status, produce.stderr).toBe(0);
      const consume = run([
        'tool',
        'kafka-console-consumer',
        '--bootstrap-server',
        bootstrap,
        '--topic',
        'cli_check',
        '--from-beginning',
        '--max-messages',
        '2',
        '--timeout-ms',
        '20000',
      ]);
      expect(consume.stdout.trim().split('\n').sort()).toEqual(['one', 'two']);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(output).toContain('SIGTERM: stopping Apache Kafka');
  }, 180_000);

  it('refuses a missing --data-dir and an unknown tool with usage and exit code 2', () => {
    const noDir = run(['--port', '1234']);
    expect(noDir.status).toBe(2);
    expect(noDir.stderr).toContain('--data-dir is required');
    expect(noDir.stderr).toContain('usage: npm run kafka');
    const noTool = run(['tool']);
    expect(noTool.status).toBe(2);
  });

  it('without Java says what to install, in one sentence, not a stack trace', () => {
    const result = run(['--data-dir', path.join(scratch, 'nojava')], {
      PATH: path.join(scratch, 'no-bin'),
      JAVA_HOME: path.join(scratch, 'no-such-jdk'),
      HOME: scratch,
    });
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe(
      'Apache Kafka needs Java 17 or newer: install a JDK (for example `apt-get install openjdk-17-jdk-headless`) or point JAVA_HOME at one.',
    );
  });

  it('without Maven and nothing cached says what to install', () => {
    const bin = path.join(scratch, 'bin-java-only');
    const java = spawnSync('sh', ['-c', 'command -v java'], { encoding: 'utf8' }).stdout.trim();
    spawnSync('mkdir', ['-p', bin]);
    symlinkSync(java, path.join(bin, 'java'));
    const env = { PATH: bin, HOME: scratch, KAFKA_CACHE_DIR: path.join(scratch, 'empty-cache') };
    const result = run(['tool', 'kafka-topics', '--version'], env);
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe(
      'The first run fetches Apache Kafka from Maven Central with `mvn`: install Apache Maven (for example `apt-get install maven`), then run this again.',
    );
  });
});
