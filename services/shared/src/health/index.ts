// @orders-dwh/shared/health: dependency checks and the /health route.
export * from './health-checks.ts';
export * from './health-route.ts';
