// @orders-dwh/shared/clients: the Kafka, Postgres and Redis clients, configured the one way the services use them.
export * from './kafka.ts';
export * from './pg-array.ts';
export * from './postgres.ts';
export * from './redis.ts';
