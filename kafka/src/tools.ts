// Kafka's own command-line tools, run from the same jars as the broker: what bin/*.sh of a Kafka
// download runs, without the download.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ensureKafkaDistribution, type KafkaDistribution } from './distribution.ts';

export const KAFKA_TOOLS: Record<string, string> = {
  'kafka-topics': 'org.apache.kafka.tools.TopicCommand',
  'kafka-consumer-groups': 'org.apache.kafka.tools.consumer.group.ConsumerGroupCommand',
  'kafka-console-consumer': 'org.apache.kafka.tools.consumer.ConsoleConsumer',
  'kafka-console-producer': 'kafka.tools.ConsoleProducer',
  'kafka-configs': 'kafka.admin.ConfigCommand',
  'kafka-get-offsets': 'org.apache.kafka.tools.GetOffsetShell',
  'kafka-broker-api-versions': 'kafka.admin.BrokerApiVersionsCommand',
  'kafka-storage': 'kafka.tools.StorageTool',
};

const TOOLS_LOG4J = fileURLToPath(new URL('../config/tools-log4j.properties', import.meta.url));

export const toolNames = (): string => Object.keys(KAFKA_TOOLS).join('|');

export function toolCommand(name: string, args: string[], distribution: KafkaDistribution): { command: string; args: string[] } {
  const mainClass = KAFKA_TOOLS[name.replace(/\.sh$/, '')];
  if (!mainClass) throw new Error(`unknown Kafka tool "${name}": one of ${toolNames()}`);
  return {
    command: distribution.java,
    args: ['-Xmx512m', `-Dlog4j.configuration=file:${TOOLS_LOG4J}`, '-cp', distribution.classPath, mainClass, ...args],
  };
}

/** Runs a tool with this process's stdin, stdout and stderr; resolves with its exit code. */
export async function runTool(name: string, args: string[], distribution = ensureKafkaDistribution()): Promise<number> {
  const { command, args: javaArgs } = toolCommand(name, args, distribution);
  const child = spawn(command, javaArgs, { stdio: 'inherit' });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

/** Runs a tool with no input, collecting what it prints (stdout and stderr, interleaved). */
export async function runToolQuietly(name: string, args: string[], distribution = ensureKafkaDistribution()): Promise<{ code: number; output: string }> {
  const { command, args: javaArgs } = toolCommand(name, args, distribution);
  const child = spawn(command, javaArgs, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code: code ?? (signal ? 1 : 0), output }));
  });
}
