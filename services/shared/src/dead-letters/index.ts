// @orders-dwh/shared/dead-letters: re-driving dead letters to the topic they came from.
export * from './redrive.ts';
