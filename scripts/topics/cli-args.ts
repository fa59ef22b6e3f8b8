// `npm run topics [-- --brokers host:port] [--json]` or `npm run topics -- --tail <topic> [--last N]`.
import { brokerList, type Config, ConfigError, loadConfig } from '@orders-dwh/shared/config';
import { type PipelineService, SERVICES } from './acls.ts';

export type TopicsCommand =
  | { kind: 'overview'; brokers: string[]; json: boolean }
  | { kind: 'tail'; brokers: string[]; topic: string; last: number; json: boolean }
  | { kind: 'acls'; brokers: string[]; users: Record<PipelineService, string>; config: Config }
  | { kind: 'help' };

export const USAGE = `npm run topics [-- options]
  (no option)            topics with partitions and end offsets, consumer groups with committed offsets and lag
  --tail <topic>         the last messages of a topic, values pretty-printed as JSON
  --last <n>             how many (default 10)
  --brokers <h:p,...>    bootstrap servers (default KAFKA_BROKERS, else 127.0.0.1:9092)
  --json                 machine-readable output
  --acls                 on a cluster with an authorizer, as its admin: create the pipeline's topics, then
                         the ACLs that let each service do exactly its part (see README, Running it in production)
  --users <s=u,...>      the Kafka user of each service for --acls (default source=source,stg=stg,dds=dds,cdm=cdm)`;

export class UsageError extends Error {
  override name = 'UsageError';
}

export function parseTopicsArgs(argv: string[], env: Record<string, string | undefined>): TopicsCommand {
  let brokersFlag: string | null = null;
  let tail: string | null = null;
  let last = 10;
  let json = false;
  let acls = false;
  let usersFlag: string | null = null;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = () => {
      const next = argv[++i];
      if (next === undefined || next.startsWith('--')) throw new UsageError(`${arg} needs a value`);
      return next;
    };
    if (arg === '--help' || arg === '-h') return { kind: 'help' };
    else if (arg === '--json') json = true;
    else if (arg === '--acls') acls = true;
    else if (arg === '--users') usersFlag = value();
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
  if (usersFlag !== null && !acls) throw new UsageError('--users goes with --acls');
  if (acls) {
    if (tail !== null) throw new UsageError('--acls and --tail do not go together');
    return { kind: 'acls', brokers, users: parseUsers(usersFlag), config: usage(() => loadConfig(env)) };
  }
  return tail === null ? { kind: 'overview', brokers, json } : { kind: 'tail', brokers, topic: tail, last, json };
}

/** `source=svc-source,stg=svc-stg`: each service's Kafka user; a service not named keeps its own name. */
function parseUsers(raw: string | null): Record<PipelineService, string> {
  const users = Object.fromEntries(SERVICES.map((service) => [service, service])) as Record<PipelineService, string>;
  for (const pair of (raw ?? '').split(',').filter(Boolean)) {
    const [service, user, extra] = pair.split('=').map((part) => part.trim());
    if (!(SERVICES as readonly string[]).includes(service!)) throw new UsageError(`--users names services among ${SERVICES.join(', ')}, got "${service}"`);
    if (!user || extra !== undefined || !/^[A-Za-z0-9._@-]+$/.test(user))
      throw new UsageError(`--users needs service=user with a Kafka user name, got "${pair}"`);
    users[service as PipelineService] = user;
  }
  return users;
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
