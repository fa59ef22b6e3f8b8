// npm run kafka -- --port <port> --data-dir <dir> [--host 127.0.0.1] [--partitions <n>]
// npm run kafka -- tool <kafka-topics|kafka-consumer-groups|kafka-console-consumer|kafka-console-producer|...> [args]
// npm run kafka -- certs --out <dir> --host <name> [--host <name> ...]
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startApacheKafka } from './apache-kafka.ts';
import { ensureKafkaDistribution, KafkaSetupError } from './distribution.ts';
import { createTestCertificates } from './security/certificates.ts';
import { runTool, toolNames } from './tools.ts';

const USAGE = [
  'usage: npm run kafka -- --port <port> --data-dir <dir> [--host 127.0.0.1] [--advertised-host <host>] [--partitions <n>]',
  `       npm run kafka -- tool <${toolNames()}> [args]`,
  '       npm run kafka -- certs --out <dir> --host <name> [--host <name> ...]   a CA and a server certificate (PEM) for a TLS listener',
].join('\n');

/** A throwaway CA and a server certificate for these host names, for the compose stack's secured Kafka. */
function makeCertificates(argv: string[]): void {
  let values;
  try {
    ({ values } = parseArgs({ args: argv, options: { out: { type: 'string' }, host: { type: 'string', multiple: true } } }));
  } catch (error) {
    fail(`${(error as Error).message}\n${USAGE}`, 2);
  }
  if (!values.out || !values.host?.length) fail(`certs needs --out and at least one --host\n${USAGE}`, 2);
  if (existsSync(path.join(values.out, 'ca.pem'))) fail(`${values.out} already holds a CA (ca.pem): remove it to make new certificates`, 1);
  const { ca, server } = createTestCertificates(values.out, values.host);
  say(`CA ${ca.certificatePath} (what clients trust: KAFKA_SSL_CA_FILE), server key and certificate ${server.keystorePath}, for ${values.host.join(', ')}`);
}

const timestamp = () => new Date().toISOString();
const say = (line: string) => console.log(`${timestamp()} INFO  ${line}`);

function fail(message: string, code: number): never {
  console.error(message);
  process.exit(code);
}

function toInt(name: string, value: string | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > 65535) fail(`--${name} must be an integer from ${min} to 65535, got "${value}"\n${USAGE}`, 2);
  return n;
}

async function main(argv: string[]): Promise<void> {
  if (argv[0] === 'tool') {
    if (!argv[1]) fail(`which tool?\n${USAGE}`, 2);
    process.exit(await runTool(argv[1], argv.slice(2), ensureKafkaDistribution({ log: (line) => console.error(line) })));
  }
  if (argv[0] === 'certs') return makeCertificates(argv.slice(1));
  let args;
  try {
    args = parseArgs({
      args: argv,
      options: {
        port: { type: 'string', default: '9092' },
        'data-dir': { type: 'string' },
        host: { type: 'string', default: '127.0.0.1' },
        'advertised-host': { type: 'string' },
        partitions: { type: 'string' },
        help: { type: 'boolean', default: false },
      },
    }).values;
  } catch (error) {
    fail(`${(error as Error).message}\n${USAGE}`, 2);
  }
  if (args.help) {
    console.log(USAGE);
    return;
  }
  if (!args['data-dir']) fail(`--data-dir is required\n${USAGE}`, 2);

  const distribution = ensureKafkaDistribution({ log: say });
  const node = await startApacheKafka({
    distribution,
    dataDir: args['data-dir'],
    host: args.host,
    advertisedHost: args['advertised-host'],
    port: toInt('port', args.port, 9092, 1),
    defaultPartitions: toInt('partitions', args.partitions, 1, 1),
    onUnexpectedExit: (reason) => fail(`Apache Kafka stopped by itself (${reason}); see its log`, 1),
  });
  console.log(`Apache Kafka ${node.version} listening on ${node.address} (pid ${node.pid()}, data in ${node.dataDir}, log in ${node.logFile})`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    say(`${signal}: stopping Apache Kafka`);
    node.stop().then(
      () => process.exit(0),
      (error: unknown) => fail(String(error), 1),
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof KafkaSetupError) fail(error.message, 1);
  fail(error instanceof Error ? error.message : String(error), 1);
});
