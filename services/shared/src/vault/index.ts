// @orders-dwh/shared/vault: Data Vault hash keys and hash diffs.
export * from './hash-keys.ts';
