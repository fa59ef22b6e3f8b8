// What kafka/test/conformance.int.test.ts runs: the two brokers under test, the Java conformance
// programs (kafka/conformance/*.java, single-file source launch) and Kafka's own tools. Children
// are spawned, never run synchronously: the development broker lives in this process's event loop.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startBroker } from '@orders-dwh/dev-broker';
import { startApacheKafka } from '../src/apache-kafka.ts';
import { ensureKafkaDistribution, type KafkaDistribution } from '../src/distribution.ts';
import { toolCommand } from '../src/tools.ts';

const CONFORMANCE_DIR = fileURLToPath(new URL('../conformance/', import.meta.url));
const TOOLS_LOG4J = fileURLToPath(new URL('../config/tools-log4j.properties', import.meta.url));
const CHILD_TIMEOUT_MS = 150_000;

export interface BrokerUnderTest {
  address: string;
  /** Stops the broker and removes its data. */
  stop(): Promise<void>;
}

export async function startApacheKafkaUnderTest(defaultPartitions: number, distribution: KafkaDistribution): Promise<BrokerUnderTest> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'conformance-apache-'));
  const node = await startApacheKafka({
    dataDir,
    defaultPartitions,
    distribution,
    heapOptions: '-Xms128m -Xmx512m',
    // Kafka's internal topics with one partition instead of 50: created in a moment on a fresh node.
    overrides: { 'offsets.topic.num.partitions': 1, 'transaction.state.log.num.partitions': 1 },
  });
  return {
    address: node.address,
    async stop() {
      await node.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function startDevelopmentBrokerUnderTest(defaultPartitions: number): Promise<BrokerUnderTest> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'conformance-development-'));
  const broker = await startBroker({ port: 0, dataDir, defaultPartitions });
  return {
    address: broker.address,
    async stop() {
      await broker.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface ProcessResult {
  command: string;
  code: number | null;
  stdout: string;
  stderr: string;
}

const running = new Set<ChildProcess>();

/** Runs a child to its end; never rejects (a child that cannot start reports code null). */
function runProcess(label: string, command: string, args: string[]): Promise<ProcessResult> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: CONFORMANCE_DIR, stdio: ['ignore', 'pipe', 'pipe'] });
    running.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.pid !== undefined && process.kill(child.pid, 'SIGKILL'), CHILD_TIMEOUT_MS);
    child.once('error', (error) => {
      clearTimeout(timer);
      running.delete(child);
      resolve({ command: label, code: null, stdout, stderr: `${stderr}${error.message}` });
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      running.delete(child);
      resolve({ command: label, code, stdout, stderr });
    });
  });
}

/** SIGKILLs, by pid, every child of this module still running (after a failed or timed-out test). */
export function killRunningChildren(): void {
  for (const child of running) if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid, 'SIGKILL');
}

export type Facts = Record<string, unknown>;

interface CheckLine {
  check: string;
  ok: boolean;
  facts?: Facts;
  error?: string;
}

export interface ConformanceRun {
  result: ProcessResult;
  /** The facts a passed check reported; throws, with the program's own words, when it did not pass. */
  facts(check: string): Facts;
}

export type ConformanceProgram = 'ProducerConformance' | 'GroupConformance' | 'AdminConformance';

/** `java -cp <kafka jars> Program.java <bootstrap> <prefix>`: one JSON line per check. */
export async function runConformance(program: ConformanceProgram, distribution: KafkaDistribution, bootstrap: string, prefix: string): Promise<ConformanceRun> {
  const result = await runProcess(`${program} ${bootstrap}`, distribution.java, [
    '-Xmx256m',
    `-Dlog4j.configuration=file:${TOOLS_LOG4J}`,
    '-cp',
    distribution.classPath,
    `${program}.java`,
    bootstrap,
    prefix,
  ]);
  const checks = new Map<string, CheckLine>();
  for (const line of result.stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    const parsed = JSON.parse(line) as CheckLine;
    checks.set(parsed.check, parsed);
  }
  return {
    result,
    facts(check) {
      const line = checks.get(check);
      if (line?.ok && line.facts) return line.facts;
      const why = line?.error ?? `no "${check}" line (exit ${result.code})`;
      throw new Error(`${program} ${check} against ${bootstrap}: ${why}\n${result.stderr.trim().split('\n').slice(-15).join('\n')}`);
    },
  };
}

/** One of Kafka's command-line tools, as `npm run kafka -- tool <name>` starts it. */
export function runKafkaTool(name: string, args: string[], distribution = ensureKafkaDistribution()): Promise<ProcessResult> {
  const { command, args: javaArgs } = toolCommand(name, args, distribution);
  return runProcess(`${name} ${args.join(' ')}`, command, javaArgs);
}
