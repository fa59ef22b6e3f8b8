export * from './order-event.ts';
export * from './enriched-order.ts';
export * from './closed-order.ts';
export * from './validate.ts';
export * from './primitives.ts';
export * from './timestamp.ts';
