// @orders-dwh/shared/reference: the Redis layout of the reference data (users, restaurants, menus).
export * from './reference-layout.ts';
