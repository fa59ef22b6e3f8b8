// `npm run redrive -- [--service stg] [--id N ...] [--dry-run]`: sends dead letters back to the
// topic they came from once their cause is fixed (see services/shared/src/dead-letters/redrive.ts).
import { createKafka, createProducer } from '../services/shared/src/clients/kafka.ts';
import { createPool } from '../services/shared/src/clients/postgres.ts';
import { loadConfig } from '../services/shared/src/config.ts';
import { parseRedriveArgs, REDRIVE_USAGE, RedriveArgsError } from '../services/shared/src/dead-letters/redrive-args.ts';
import { redriveDeadLetters } from '../services/shared/src/dead-letters/redrive.ts';
import { createLogger } from '../services/shared/src/logger.ts';

async function main(): Promise<number> {
  let args;
  try {
    args = parseRedriveArgs(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof RedriveArgsError)) throw error;
    process.stderr.write(`redrive: ${error.message}\n\n${REDRIVE_USAGE}\n`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(`${REDRIVE_USAGE}\n`);
    return 0;
  }
  const config = loadConfig();
  const log = createLogger('redrive', config.logLevel);
  const pool = createPool(config.databaseUrl, log, 2);
  const producer = args.dryRun ? null : createProducer(createKafka(config.kafkaBrokers, `${config.kafkaClientId}-redrive`, log));
  try {
    await producer?.connect();
    const letters = await redriveDeadLetters(pool, producer, { service: args.service, ids: args.ids }, { dryRun: args.dryRun });
    for (const l of letters) {
      process.stdout.write(`${args.dryRun ? 'would re-drive' : 're-driven'} #${l.id} ${l.service} ${l.topic}[${l.partition}]@${l.offset} key=${l.key ?? '-'}: ${l.reason}\n`);
    }
    const scope = [args.service && `service ${args.service}`, args.ids.length > 0 && `ids ${args.ids.join(',')}`].filter(Boolean).join(', ');
    if (letters.length === 0) process.stdout.write(`nothing to re-drive${scope ? ` (${scope})` : ''}\n`);
    else process.stdout.write(`${args.dryRun ? 'would re-drive' : 're-drove'} ${letters.length} dead letter${letters.length === 1 ? '' : 's'}\n`);
    return 0;
  } finally {
    await producer?.disconnect();
    await pool.end();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`redrive failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
