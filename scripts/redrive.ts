// `npm run redrive -- [--service stg] [--id N ...] [--dry-run]`: sends dead letters back to the
// topic they came from once their cause is fixed (see services/shared/src/dead-letters/redrive.ts).
import { exitWith } from './exit-with.ts';
import { createKafka, createProducer, createPool } from '@orders-dwh/shared/clients';
import { loadConfig } from '@orders-dwh/shared/config';
import { parseRedriveArgs, REDRIVE_USAGE, RedriveArgsError } from './redrive-args.ts';
import { redriveDeadLetters, type RedriveSummary } from '@orders-dwh/shared/dead-letters';
import { configuredLogger } from '@orders-dwh/shared/logging';

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
  const log = configuredLogger('redrive', config);
  const pool = createPool(config.databaseUrl, log, 2, config.postgres);
  const producer = args.dryRun ? null : createProducer(createKafka(config, 'redrive', log));
  try {
    await producer?.connect();
    const summary = await redriveDeadLetters(pool, producer, { service: args.service, ids: args.ids }, { dryRun: args.dryRun });
    for (const l of summary.sent) {
      const key = l.key === null ? '-' : l.encoding === 'base64' ? `base64:${l.key}` : l.key;
      process.stdout.write(
        `${args.dryRun ? 'would re-drive' : 're-driven'} #${l.id} ${l.service} ${l.topic}[${l.partition}]@${l.offset} key=${key}: ${l.reason}\n`,
      );
    }
    process.stdout.write(`${summaryLine(summary, args)}\n`);
    if (summary.error)
      process.stderr.write(`redrive: sending failed, ${summary.failed} dead letter${plural(summary.failed)} left pending: ${summary.error.message}\n`);
    return summary.failed > 0 ? 1 : 0;
  } finally {
    await producer?.disconnect();
    await pool.end();
  }
}

const plural = (n: number) => (n === 1 ? '' : 's');

/** One line: what was sent, what failed to send, what is still pending and how much of it failed again after a re-drive. */
function summaryLine({ sent, failed, remaining, failedAgain }: RedriveSummary, args: { dryRun: boolean; service: string | null; ids: number[] }): string {
  const scope = [args.service && `service ${args.service}`, args.ids.length > 0 && `ids ${args.ids.join(',')}`].filter(Boolean).join(', ');
  if (sent.length === 0 && failed === 0 && remaining === 0) return `nothing to re-drive${scope ? ` (${scope})` : ''}`;
  const done = `${args.dryRun ? 'would re-drive' : 're-drove'} ${sent.length} dead letter${plural(sent.length)}${scope ? ` (${scope})` : ''}`;
  return `${done}, ${failed} failed to send, ${remaining} still pending (${failedAgain} of them failed again after an earlier re-drive)`;
}

exitWith('redrive failed', main());
