// `npm run topics`: topics, partitions, end offsets, consumer groups' committed offsets and lag;
// `npm run topics -- --tail <topic> --last N`: the last N messages, pretty-printed. Works against the
// development broker and any Kafka cluster (KAFKA_BROKERS or --brokers, with KAFKA_SSL* and KAFKA_SASL*);
// `npm run topics -- --acls`: as a secured cluster's admin, the topics and each service's ACLs.
import { Kafka, logLevel } from 'kafkajs';
import { ensureTopics, kafkajsSecurity, loadKafkaSecurity } from '@orders-dwh/shared/kafka';
import { applyPipelineAcls, formatAcls, pipelineAcls } from './topics/acls.ts';
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
    if (command.kind === 'acls') {
      const { topics, topicPartitions, topicReplicationFactor } = command.config;
      await ensureTopics(kafka, [topics.stg, topics.dds, topics.cdm, topics.deadLetters], topicPartitions, topicReplicationFactor);
      const acls = pipelineAcls(topics);
      await applyPipelineAcls(admin, acls, command.users);
      console.log(
        `topics ${topics.stg}, ${topics.dds}, ${topics.cdm}, ${topics.deadLetters} exist; ${acls.length} ACLs in place:\n${formatAcls(acls, command.users)}`,
      );
      return;
    }
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
