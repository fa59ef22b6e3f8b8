// Formatting of the benchmark's results (pure).

export interface PhaseResult {
  /** produce/consume: kafkajs; raw produce/raw fetch: pre-encoded requests, no client library. */
  phase: 'produce' | 'consume' | 'raw produce' | 'raw fetch';
  messages: number;
  bytes: number;
  seconds: number;
  /** CPU seconds used during the phase by the client (this process) and by the broker process. */
  clientCpuSeconds: number;
  brokerCpuSeconds: number;
}

export interface PhaseFigures extends PhaseResult {
  messagesPerSecond: number;
  megabytesPerSecond: number;
  /** CPU used / wall time: 1.0 means one core kept busy the whole phase. */
  clientCores: number;
  brokerCores: number;
  /** CPU microseconds per message: unlike rates, these barely move when other work shares the machine. */
  clientMicrosPerMessage: number;
  brokerMicrosPerMessage: number;
}

export function figuresOf(result: PhaseResult): PhaseFigures {
  return {
    ...result,
    messagesPerSecond: Math.round(result.messages / result.seconds),
    megabytesPerSecond: Number((result.bytes / 1e6 / result.seconds).toFixed(1)),
    clientCores: Number((result.clientCpuSeconds / result.seconds).toFixed(2)),
    brokerCores: Number((result.brokerCpuSeconds / result.seconds).toFixed(2)),
    clientMicrosPerMessage: Number(((result.clientCpuSeconds * 1e6) / result.messages).toFixed(1)),
    brokerMicrosPerMessage: Number(((result.brokerCpuSeconds * 1e6) / result.messages).toFixed(1)),
  };
}

export function formatTable(rows: PhaseFigures[]): string {
  const header = ['phase', 'messages', 'seconds', 'msgs/s', 'MB/s', 'client cores', 'broker cores', 'client µs/msg', 'broker µs/msg'];
  const body = rows.map((r) => [
    r.phase,
    String(r.messages),
    r.seconds.toFixed(2),
    String(r.messagesPerSecond),
    r.megabytesPerSecond.toFixed(1),
    r.clientCores.toFixed(2),
    r.brokerCores.toFixed(2),
    r.clientMicrosPerMessage.toFixed(1),
    r.brokerMicrosPerMessage.toFixed(1),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}
