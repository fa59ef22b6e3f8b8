import { Counter, type Registry } from 'prom-client';

/** Messages in and out of a service, per topic. */
export class MessageMetrics {
  private readonly consumedTotal: Counter<'topic'>;
  private readonly producedTotal: Counter<'topic'>;
  private readonly failedTotal: Counter<'topic' | 'step'>;

  constructor(registry: Registry) {
    this.consumedTotal = new Counter({
      name: 'dwh_messages_consumed_total',
      help: 'Messages read from a topic and fully processed (written or dead-lettered, offset committed).',
      labelNames: ['topic'],
      registers: [registry],
    });
    this.producedTotal = new Counter({
      name: 'dwh_messages_produced_total',
      help: 'Messages acknowledged by Kafka, per destination topic (dead letters included).',
      labelNames: ['topic'],
      registers: [registry],
    });
    this.failedTotal = new Counter({
      name: 'dwh_messages_failed_total',
      help: 'Messages whose batch failed at a step (prepare, postgres, kafka) and is being retried; counted per attempt.',
      labelNames: ['topic', 'step'],
      registers: [registry],
    });
  }

  consumed(topic: string, count: number): void {
    if (count > 0) this.consumedTotal.inc({ topic }, count);
  }

  produced(topic: string, count: number): void {
    if (count > 0) this.producedTotal.inc({ topic }, count);
  }

  failed(topic: string, step: string, count: number): void {
    if (count > 0) this.failedTotal.inc({ topic, step }, count);
  }
}
