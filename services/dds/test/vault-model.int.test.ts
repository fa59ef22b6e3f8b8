import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.ts';
import { VAULT_SCHEMA, vaultTables, type TableModel } from '../src/vault-model.ts';

// The vault is described twice, as loader metadata and as migrations; they must agree.
let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.drop();
});

const pgTypes: Record<string, string> = { uuid: 'uuid', text: 'text', bigint: 'bigint', numeric: 'numeric', timestamptz: 'timestamp with time zone' };

function modelColumns(model: TableModel): Record<string, string> {
  const columns: Array<[string, string]> = [
    ['load_dt', 'timestamptz'],
    ['load_src', 'text'],
  ];
  if (model.kind === 'hub') {
    columns.push([model.hashKey, 'uuid'], ...[...model.businessKey, ...model.attributes].map((c): [string, string] => [c.name, c.type]));
  } else if (model.kind === 'link') {
    columns.push(
      [model.hashKey, 'uuid'],
      ...model.hubs.map((h): [string, string] => [h.hashKey, 'uuid']),
      ...model.attributes.map((c): [string, string] => [c.name, c.type]),
    );
  } else {
    columns.push([model.parent.hashKey, 'uuid'], [model.hashdiff, 'uuid'], ...model.payload.map((c): [string, string] => [c.name, c.type]));
  }
  return Object.fromEntries(columns.map(([name, type]) => [name, pgTypes[type]]).sort());
}

describe('vault model', () => {
  it.each(vaultTables.map((model) => [model.table, model] as const))('%s matches the migrated table', async (table, model) => {
    const { rows } = await db.pool.query<{ column_name: string; data_type: string }>(
      'SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 ORDER BY column_name',
      [VAULT_SCHEMA, table],
    );
    expect(Object.fromEntries(rows.map((r) => [r.column_name, r.data_type]))).toEqual(modelColumns(model));

    const { rows: pk } = await db.pool.query<{ column_name: string }>(
      `SELECT a.attname AS column_name FROM pg_index i
       JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
       WHERE i.indrelid = $1::regclass AND i.indisprimary ORDER BY a.attname`,
      [`${VAULT_SCHEMA}.${table}`],
    );
    const expectedKey = model.kind === 'satellite' ? [model.parent.hashKey, 'load_dt'] : [model.hashKey];
    expect(pk.map((r) => r.column_name)).toEqual(expectedKey.sort());
  });
});
