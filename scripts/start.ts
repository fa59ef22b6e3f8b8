// `npm start`: everything on one machine. Starts a local Kafka unless KAFKA_BROKERS is set (the
// development broker, or Apache Kafka with `npm start -- --kafka apache`), prepares the database
// and topics, then runs the four services as separate processes with prefixed, readable logs.
// Ctrl-C stops the services (each finishes its batch), then the local Kafka.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { ensureDatabase } from './migrate/ensure-database.ts';
import { runMigrations } from './migrate/run.ts';
import { createKafka } from '@orders-dwh/shared/clients';
import { loadConfig, loadLocalKafkaConfig } from '@orders-dwh/shared/config';
import { ensureTopics } from '@orders-dwh/shared/kafka';
import { configuredLogger, formatLogLine } from '@orders-dwh/shared/logging';
import { kafkaFlag, startLocalKafka, type LocalKafka } from './local-kafka.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SERVICES = ['source', 'stg', 'dds', 'cdm'] as const;
const COLORS = { source: 36, stg: 33, dds: 35, cdm: 32, start: 37 } as const;

const pretty = process.stdout.isTTY;
function print(name: keyof typeof COLORS, line: string): void {
  const prefix = pretty ? `\x1b[${COLORS[name]}m${name.padEnd(6)}\x1b[0m` : name.padEnd(6);
  process.stdout.write(`${formatLogLine(prefix, line)}\n`);
}
const say = (message: string) => print('start', JSON.stringify({ level: 30, time: Date.now(), msg: message }));

async function main(): Promise<void> {
  const envFile = path.join(root, '.env');
  if (existsSync(envFile)) process.loadEnvFile(envFile);
  const env = { ...process.env };
  const localKafka = loadLocalKafkaConfig(env, kafkaFlag(process.argv.slice(2)));
  let broker: LocalKafka | null = null;
  const children = new Map<string, ChildProcess>();
  let stopping = false;
  let exitCode = 0;
  const finish = async () => {
    if (broker) await broker.close();
    say('stopped');
    process.exit(exitCode);
  };
  const stop = async (code: number): Promise<void> => {
    if (stopping) return;
    stopping = true;
    exitCode = code;
    say('stopping services');
    for (const child of children.values()) child.kill('SIGTERM');
    if (children.size === 0) await finish();
  };
  if (!env.KAFKA_BROKERS) {
    broker = await startLocalKafka(localKafka, root, env, {
      log: say,
      onUnexpectedExit: (reason) => {
        say(`Apache Kafka stopped by itself (${reason}); stopping everything`);
        broker = null;
        void stop(1);
      },
    });
    env.KAFKA_BROKERS = broker.address;
    say(broker.description);
  }
  const config = loadConfig(env);
  const log = configuredLogger('start', { ...config, logLevel: 'warn' });

  await ensureDatabase(config.databaseUrl);
  await runMigrations(config.databaseUrl);
  say('database migrated');
  const kafka = createKafka(config, 'start', log);
  const { topics } = config;
  await ensureTopics(kafka, [topics.stg, topics.dds, topics.cdm, topics.deadLetters], config.topicPartitions, config.topicReplicationFactor);
  say(`topics ready: ${[topics.stg, topics.dds, topics.cdm, topics.deadLetters].join(', ')}`);

  for (const name of SERVICES) {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'services', name, 'src', 'main.ts')], {
      cwd: root,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.set(name, child);
    for (const stream of [child.stdout!, child.stderr!]) {
      createInterface({ input: stream }).on('line', (line) => print(name, line));
    }
    child.on('exit', (code, signal) => {
      children.delete(name);
      if (!stopping) {
        say(`${name} exited (${signal ?? code}); stopping everything`);
        void stop(1);
      } else if (children.size === 0) void finish();
    });
  }
  say(`services starting: source :${config.ports.source}, stg :${config.ports.stg}, dds :${config.ports.dds}, cdm :${config.ports.cdm}`);

  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));

  if (await allHealthy(config.ports, () => stopping)) {
    say(
      `ready: open the dashboard at http://localhost:${config.ports.source}/ (or POST /push to it); read API on http://localhost:${config.ports.cdm}/openapi.json`,
    );
  }
}

/** Waits until every service answers /health with 200 (up to READY_TIMEOUT_MS); false if it gave up or stopping began. */
const READY_TIMEOUT_MS = 120_000;
async function allHealthy(ports: Record<string, number>, stopping: () => boolean): Promise<boolean> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let waiting = Object.entries(ports);
  while (!stopping()) {
    const answers = await Promise.all(
      waiting.map(([, port]) =>
        fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(2000) }).then(
          (r) => r.ok,
          () => false,
        ),
      ),
    );
    waiting = waiting.filter((_, i) => !answers[i]);
    if (waiting.length === 0) return true;
    if (Date.now() > deadline) {
      say(`not ready after ${READY_TIMEOUT_MS / 1000} s: ${waiting.map(([name]) => name).join(', ')} not healthy yet (see their logs above)`);
      return false;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return false;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
