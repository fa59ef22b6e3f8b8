import { collectDefaultMetrics, Registry } from 'prom-client';

/**
 * One registry per service process: Node's default process metrics (CPU, memory, event loop lag,
 * GC, handles) plus whatever the service adds, every sample labelled with the service's name.
 */
export function createMetricsRegistry(service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  return registry;
}
