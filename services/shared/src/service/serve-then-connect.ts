import type { FastifyInstance } from 'fastify';
import type { Logger } from '../logger.ts';
import { exitOnSignal } from './graceful-shutdown.ts';
import type { ServiceClients } from './service-clients.ts';

export interface ServeThenConnectOptions {
  app: FastifyInstance;
  host: string;
  port: number;
  clients: ServiceClients;
  log: Logger;
  /** What SIGTERM runs: finish the work in flight, close the app and the clients. */
  stop(): Promise<void>;
  /** The rest of the start once Kafka answers (topics, consuming); `signal` aborts when a stop began. */
  whenConnected(signal: AbortSignal): Promise<void>;
}

/**
 * How every service starts: listen first, so that while Kafka refuses it /health says why; then
 * connect to Kafka, retrying (KafkaConnection), and finish the start. A stop during any of it ends
 * the start quietly: it closed the clients under it, nothing is wrong.
 */
export async function serveThenConnect(options: ServeThenConnectOptions): Promise<void> {
  const stopping = new AbortController();
  exitOnSignal(() => {
    stopping.abort();
    return options.stop();
  }, options.log);
  await options.app.listen({ host: options.host, port: options.port });
  if (!(await options.clients.kafkaConnection.connect(stopping.signal))) return;
  try {
    await options.whenConnected(stopping.signal);
  } catch (error) {
    if (!stopping.signal.aborted) throw error;
  }
}
