import type { Admin, Producer } from 'kafkajs';
import type { HealthCheck } from '../health/health-checks.ts';
import type { Logger } from '../logger.ts';

export interface KafkaConnectionOptions {
  producer: Producer;
  admin: Admin;
  /** One sentence for an error (describeKafkaFailure). */
  describe(error: unknown): string;
  log: Logger;
  backoff?: { initialMs: number; maxMs: number };
}

/**
 * The service's producer and admin connected to Kafka. A service listens before it connects, so
 * that while Kafka refuses it (a wrong password, an untrusted certificate, a cluster still down) it
 * stays up, says why once in its log and in /health's 503, and keeps trying, instead of exiting
 * into a restart loop.
 */
export class KafkaConnection {
  #failure = 'not connected to Kafka yet';
  #connected = false;

  constructor(private readonly options: KafkaConnectionOptions) {}

  get connected(): boolean {
    return this.#connected;
  }

  /** One attempt; rejects with kafkajs's error when it fails. */
  async connectOnce(): Promise<void> {
    await Promise.all([this.options.producer.connect(), this.options.admin.connect()]);
    this.#connected = true;
  }

  /** Attempts until one succeeds (true) or the signal aborts (false); each new reason is logged once. */
  async connect(signal: AbortSignal): Promise<boolean> {
    const { initialMs, maxMs } = this.options.backoff ?? { initialMs: 1000, maxMs: 30_000 };
    let delay = initialMs;
    let logged: string | null = null;
    while (!signal.aborted) {
      try {
        await this.connectOnce();
        if (logged) this.options.log.info('connected to Kafka');
        return true;
      } catch (error) {
        this.#failure = this.options.describe(error);
        const every = maxMs >= 1000 ? `${Math.round(maxMs / 1000)} s` : `${maxMs} ms`;
        if (this.#failure !== logged) this.options.log.error(`${this.#failure}; trying again, every ${every} at most`);
        logged = this.#failure;
      }
      await sleep(delay, signal);
      delay = Math.min(delay * 2, maxMs);
    }
    return false;
  }

  /** The kafka check of /health: until connected, why not; then `whenConnected`, its failures described the same way. */
  healthCheck(whenConnected: HealthCheck): HealthCheck {
    return {
      name: whenConnected.name,
      check: async () => {
        if (!this.#connected) throw new Error(this.#failure);
        try {
          await whenConnected.check();
        } catch (error) {
          throw new Error(this.options.describe(error));
        }
      },
    };
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
