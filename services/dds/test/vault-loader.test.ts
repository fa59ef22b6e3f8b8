import { describe, expect, it } from 'vitest';
import { toVaultRows } from '../src/to-vault-rows.ts';
import { loadStatement } from '../src/vault-loader.ts';
import { vaultTables, type TableModel } from '../src/vault-model.ts';
import { enrichedOrder } from './enriched-order-fixture.ts';

const columnsOf = (model: TableModel): string[] => {
  switch (model.kind) {
    case 'hub':
      return [model.hashKey, ...model.businessKey.map((c) => c.name), ...model.attributes.map((c) => c.name)];
    case 'link':
      return [model.hashKey, ...model.hubs.map((h) => h.hashKey)];
    case 'satellite':
      return [model.parent.hashKey, ...model.payload.map((c) => c.name), model.hashdiff];
  }
};

describe('generated load statements', () => {
  const rows = toVaultRows([enrichedOrder({ id: 1 })], 'src');
  const loadDt = new Date('2025-11-20T00:00:00Z');

  it.each(vaultTables.map((model) => [model.table, model] as const))('%s: built from the model, identifiers quoted', (_, model) => {
    const tableRows = rows.get(model) ?? [];
    const statement = loadStatement(model, tableRows, loadDt);
    expect(statement.text).toContain(`INSERT INTO "dds"."${model.table}"`);
    for (const column of [...columnsOf(model), 'load_dt', 'load_src']) expect(statement.text).toContain(`"${column}"`);
    // The rows as one JSON parameter (plus the batch load_dt for hubs and links).
    expect(JSON.parse(statement.values[0] as string)).toEqual(tableRows);
    expect(statement.values).toHaveLength(model.kind === 'satellite' ? 1 : 2);
    if (model.kind === 'satellite') expect(statement.values).not.toContain(loadDt);
    else expect(statement.values.at(-1)).toBe(loadDt);
    expect(statement.text).toContain('ON CONFLICT');
  });
});
