// A group member in its own process, for the multi-process group test:
//   node --import tsx group-consumer.ts <broker address> <group> <topic> <member name>
// Prints one JSON line per event on stdout: {"event":"joined",...}, {"event":"message",...}.
// SIGTERM disconnects cleanly (LeaveGroup) and exits 0; SIGKILL is the unclean death.
import { Kafka, logLevel } from 'kafkajs';

const [address, groupId, topic, member] = process.argv.slice(2);
if (!address || !groupId || !topic || !member) {
  console.error('usage: group-consumer.ts <broker address> <group> <topic> <member name>');
  process.exit(2);
}

const emit = (event: Record<string, unknown>) => process.stdout.write(`${JSON.stringify({ member, pid: process.pid, ...event })}\n`);

const kafka = new Kafka({
  clientId: member,
  brokers: [address],
  logLevel: logLevel.NOTHING,
  retry: { retries: 10, initialRetryTime: 100, maxRetryTime: 1000 },
});
const consumer = kafka.consumer({
  groupId,
  sessionTimeout: 6_000,
  rebalanceTimeout: 10_000,
  heartbeatInterval: 500,
  maxWaitTimeInMs: 200,
});

consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
  emit({ event: 'joined', memberId: payload.memberId, isLeader: payload.isLeader, assignment: payload.memberAssignment[topic] ?? [] });
});
consumer.on(consumer.events.CRASH, ({ payload }) => emit({ event: 'crash', error: String(payload.error) }));

await consumer.connect();
await consumer.subscribe({ topic, fromBeginning: true });
await consumer.run({
  eachMessage: async ({ partition, message }) => {
    emit({ event: 'message', partition, offset: Number(message.offset), value: message.value!.toString() });
  },
});
emit({ event: 'running' });

process.on('SIGTERM', () => {
  consumer.disconnect().then(
    () => {
      emit({ event: 'left' });
      process.exit(0);
    },
    (error: unknown) => {
      emit({ event: 'leave-failed', error: String(error) });
      process.exit(1);
    },
  );
});
