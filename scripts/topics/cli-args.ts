// `npm run topics [-- --brokers host:port] [--json]` or `npm run topics -- --tail <topic> [--last N]`.

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
  let brokers = (env.KAFKA_BROKERS?.trim() || '127.0.0.1:9092')
    .split(',')
    .map((b) => b.trim())
    .filter(Boolean);
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
    else if (arg === '--brokers')
      brokers = value()
        .split(',')
        .map((b) => b.trim())
        .filter(Boolean);
    else if (arg === '--last') {
      const raw = value();
      last = Number(raw);
      if (!Number.isInteger(last) || last < 1 || last > 10_000) throw new UsageError(`--last must be an integer from 1 to 10000, got "${raw}"`);
    } else throw new UsageError(`unknown option ${arg}`);
  }
  if (brokers.length === 0 || brokers.some((b) => !/^[^:\s]+:\d+$/.test(b))) throw new UsageError(`brokers must be host:port, got "${brokers.join(',')}"`);
  return tail === null ? { kind: 'overview', brokers, json } : { kind: 'tail', brokers, topic: tail, last, json };
}
