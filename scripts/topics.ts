// `npm run topics`: topics, partitions, end offsets, consumer groups' committed offsets and lag;
// `npm run topics -- --tail <topic> --last N`: the last N messages, pretty-printed. Works against the
// development broker and any Kafka cluster (KAFKA_BROKERS or --brokers).
import { Kafka, logLevel } from 'kafkajs';
import { kafkajsSecurity, loadKafkaSecurity } from '@orders-dwh/shared/kafka';
import { parseTopicsArgs, USAGE, UsageError } from './topics/cli-args.ts';
import { formatMessages, formatOverview } from './topics/format.ts';
import { fetchOverview } from './topics/overview.ts';
import { tailTopic } from './topics/tail.ts';

async function main(): Promise<void> {
  const command = parseTopicsArgs(process.argv.slice(2), process.env);
  if (command.kind === 'help') {
    console.log(USAGE);
    return;
  }
  const security = loadKafkaSecurity(process.env);
  const kafka = new Kafka({
    clientId: 'dwh-topics',
    brokers: command.brokers,
    ...kafkajsSecurity(security),
    logLevel: logLevel.NOTHING,
    retry: { retries: 2 },
    connectionTimeout: 3000,
  });
  if (command.kind === 'tail') {
    const messages = await tailTopic(kafka, command.topic, command.last);
    console.log(command.json ? JSON.stringify(messages, null, 2) : formatMessages(command.topic, messages));
    return;
  }
  const admin = kafka.admin();
  await admin.connect();
  try {
    const overview = await fetchOverview(admin);
    console.log(command.json ? JSON.stringify(overview, null, 2) : formatOverview(overview, command.brokers));
  } finally {
    await admin.disconnect();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof UsageError ? `${error.message}\n\n${USAGE}` : `topics: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = error instanceof UsageError ? 2 : 1;
});
