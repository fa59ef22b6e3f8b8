// @orders-dwh/shared/logging: the services' logger and its line format.
export * from '../logger.ts';
export * from './log-format.ts';
