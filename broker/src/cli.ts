// npm run broker -- --port <port> --data-dir <dir> [--host 127.0.0.1] [--partitions <n>]
//   [--retention-bytes <n>] [--fsync] [--initial-rebalance-delay-ms <n>]
import { parseArgs } from 'node:util';
import { startBroker } from './broker.ts';

const USAGE =
  'usage: npm run broker -- --port <port> --data-dir <dir> [--host 127.0.0.1] [--partitions <n>] [--retention-bytes <n>] [--fsync] [--initial-rebalance-delay-ms <n>]';

function toInt(name: string, value: string | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) {
    console.error(`--${name} must be an integer ≥ ${min}, got "${value}"\n${USAGE}`);
    process.exit(2);
  }
  return n;
}

let args;
try {
  args = parseArgs({
    options: {
      port: { type: 'string', default: '9092' },
      'data-dir': { type: 'string' },
      host: { type: 'string', default: '127.0.0.1' },
      'advertised-host': { type: 'string' },
      partitions: { type: 'string' },
      'retention-bytes': { type: 'string' },
      fsync: { type: 'boolean', default: false },
      'initial-rebalance-delay-ms': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  }).values;
} catch (error) {
  console.error(`${(error as Error).message}\n${USAGE}`);
  process.exit(2);
}
if (args.help) {
  console.log(USAGE);
  process.exit(0);
}
if (!args['data-dir']) {
  console.error(`--data-dir is required\n${USAGE}`);
  process.exit(2);
}

const timestamp = () => new Date().toISOString();
const broker = await startBroker({
  dataDir: args['data-dir'],
  host: args.host,
  advertisedHost: args['advertised-host'],
  port: toInt('port', args.port, 9092, 0),
  defaultPartitions: toInt('partitions', args.partitions, 1, 1),
  retentionBytes: args['retention-bytes'] === undefined ? undefined : toInt('retention-bytes', args['retention-bytes'], 0, 1),
  fsync: args.fsync,
  initialRebalanceDelayMs: toInt('initial-rebalance-delay-ms', args['initial-rebalance-delay-ms'], 0, 0),
  log: {
    info: (message) => console.log(`${timestamp()} INFO  ${message}`),
    warn: (message) => console.warn(`${timestamp()} WARN  ${message}`),
  },
});
console.log(`development broker listening on ${broker.address} (data in ${args['data-dir']})`);

let stopping = false;
const stop = (signal: string) => {
  if (stopping) return;
  stopping = true;
  console.log(`${timestamp()} INFO  ${signal}: shutting down`);
  broker.close().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
};
process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGINT'));
