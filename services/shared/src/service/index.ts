// @orders-dwh/shared/service: what a service's main() needs: clients, the stage service, graceful shutdown.
export * from './graceful-shutdown.ts';
export * from './run-stage-main.ts';
export * from './service-clients.ts';
export * from './stage-service.ts';
export * from './service-config.ts';
export * from './kafka-connection.ts';
export * from './serve-then-connect.ts';
