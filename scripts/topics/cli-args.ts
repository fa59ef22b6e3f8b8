// `npm run topics [-- --brokers host:port] [--json]` or `npm run topics -- --tail <topic> [--last N]`.
import { brokerList, ConfigError, loadConfig } from '@orders-dwh/shared/config';

export type TopicsCommand =
  | { kind: 'overview'; brokers: string[]; json: boolean }
  | { kind: 'tail'; brokers: string[]; topic: string; last: number; json: boolean }
  | { kind: 'help' };

export const USAGE = `npm run topics [-- options]
  (no option)            topics with partitions and end offsets, consumer groups with committed offsets and lag
  --tail <topic>         the last messages of a topic, values pretty-printed as JSON
  --last <n>             how many (default 10)
  --brokers <h:p,...>    bootstrap servers (default KAFKA_BROKERS, else 127.0.0.1:9092)
  --json                 machine-readable output`;

export class UsageError extends Error {
  override name = 'UsageError';
}

export function parseTopicsArgs(argv: string[], env: Record<string, string | undefined>): TopicsCommand {
  let brokersFlag: string | null = null;
  let tail: string | null = null;
  let last = 10;
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = () => {
      const next = argv[++i];
      if (next === undefined || next.startsWith('--')) throw new UsageError(`${arg} needs a value`);
      return next;
    };
    if (arg === '--help' || arg === '-h') return { kind: 'help' };
    else if (arg === '--json') json = true;
    else if (arg === '--tail') tail = value();
    else if (arg === '--brokers') brokersFlag = value();
    else if (arg === '--last') {
      const raw = value();
      last = Number(raw);
      if (!Number.isInteger(last) || last < 1 || last > 10_000) throw new UsageError(`--last must be an integer from 1 to 10000, got "${raw}"`);
    } else throw new UsageError(`unknown option ${arg}`);
  }
  // --brokers, else KAFKA_BROKERS as the services read it (the whole configuration is checked).
  const brokers = brokersFlag === null ? kafkaBrokersOf(env) : usage(() => brokerList(brokersFlag!, '--brokers'));
  return tail === null ? { kind: 'overview', brokers, json } : { kind: 'tail', brokers, topic: tail, last, json };
}

/** A configuration error as a usage error: the tool prints its usage with it. */
function usage<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(error.message);
    throw error;
  }
}

const kafkaBrokersOf = (env: Record<string, string | undefined>) => usage(() => loadConfig(env).kafkaBrokers);
