// @orders-dwh/shared/http: HTTP errors and how a failing dependency becomes a 503.
export * from './dependency-errors.ts';
export * from './http-errors.ts';
