// @orders-dwh/shared/metrics: the Prometheus registry, /metrics, the stage and message metrics and a reader of the text format.
export * from './message-metrics.ts';
export * from './metrics-registry.ts';
export * from './metrics-route.ts';
export * from './prometheus-text.ts';
export * from './stage-metrics.ts';
