import type { KafkaOverview } from './overview.ts';
import type { TailedMessage } from './tail.ts';

function table(rows: string[][], indent = '  '): string[] {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) => indent + row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!))).join('  '));
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

export function formatOverview(overview: KafkaOverview, brokers: string[]): string {
  const lines = [`Kafka at ${brokers.join(',')}: ${overview.topics.length} topic(s), ${overview.groups.length} consumer group(s)`, '', 'Topics'];
  if (overview.topics.length === 0) lines.push('  (none)');
  for (const topic of overview.topics) {
    const messages = sum(topic.partitions.map((p) => p.end - p.start));
    lines.push(`  ${topic.name}: ${topic.partitions.length} partition(s), ${messages} message(s)`);
    lines.push(...table([['partition', 'start', 'end'], ...topic.partitions.map((p) => [String(p.partition), String(p.start), String(p.end)])], '    '));
  }
  lines.push('', 'Consumer groups');
  if (overview.groups.length === 0) lines.push('  (none)');
  for (const group of overview.groups) {
    const members = `${group.members} member${group.members === 1 ? '' : 's'}`;
    if (group.topics.length === 0) lines.push(`  ${group.groupId} (${group.state}, ${members}): no committed offsets`);
    for (const { topic, partitions } of group.topics) {
      lines.push(`  ${group.groupId} (${group.state}, ${members}) on ${topic}: lag ${sum(partitions.map((p) => p.lag))}`);
      lines.push(
        ...table(
          [
            ['partition', 'committed', 'end', 'lag'],
            ...partitions.map((p) => [String(p.partition), p.committed === null ? '-' : String(p.committed), String(p.end), String(p.lag)]),
          ],
          '    ',
        ),
      );
    }
  }
  return lines.join('\n');
}

/** A message's value as indented JSON when it is JSON, as it is otherwise. */
export function prettyValue(value: string | null): string {
  if (value === null) return '(null)';
  try {
    return JSON.stringify(JSON.parse(value), null, 2);
  } catch {
    return value;
  }
}

export function formatMessages(topic: string, messages: TailedMessage[]): string {
  if (messages.length === 0) return `${topic}: no messages`;
  return messages
    .map(
      (m) =>
        `--- ${topic} partition ${m.partition} offset ${m.offset}  key ${m.key ?? '(null)'}  ${new Date(m.timestamp).toISOString()}\n${prettyValue(m.value)}`,
    )
    .join('\n');
}
