import { describe, expect, it } from 'vitest';
import { toVaultRows } from '../src/to-vault-rows.ts';
import { loadStatement, newKeyChanges } from '../src/vault-loader.ts';
import { satellites, vaultTables, type TableModel } from '../src/vault-model.ts';
import { satelliteRow } from '../src/vault-rows.ts';
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
    // The rows as one array literal per column, in the unnest's column list (plus the batch load_dt
    // for hubs and links). These rows hold no character that the literal escapes unlike JSON.
    const columns = /unnest\([^)]*\) AS \w+\(([^)]*)\)/
      .exec(statement.text)![1]!
      .split(', ')
      .map((name) => JSON.parse(name) as string);
    const arrays = statement.values
      .slice(0, columns.length)
      .map((literal) => JSON.parse(`[${(literal as string).slice(1, -1).replaceAll('NULL', 'null')}]`) as unknown[]);
    expect(tableRows.map((_, i) => Object.fromEntries(columns.map((name, j) => [name, arrays[j]![i]])))).toEqual(tableRows);
    expect(statement.values).toHaveLength(columns.length + (model.kind === 'satellite' ? 0 : 1));
    if (model.kind === 'satellite') expect(statement.values).not.toContain(loadDt);
    else expect(statement.values.at(-1)).toBe(loadDt);
    expect(statement.text).toContain('ON CONFLICT');
  });
});

describe('newKeyChanges', () => {
  const model = satellites.orderStatus;
  const row = (key: string, minute: number, status: string) =>
    satelliteRow(model, key, new Date(Date.UTC(2025, 0, 1, 0, minute)).toISOString(), { status }, 'src');
  const a = '00000000-0000-5000-8000-00000000000a';
  const b = '00000000-0000-5000-8000-00000000000b';
  const brief = (rows: ReturnType<typeof row>[]) => rows.map((r) => `${r.h_order_pk === a ? 'a' : 'b'} ${String(r.load_dt).slice(14, 16)} ${r.status}`);

  it('keeps, per key in load_dt order, the first row and each one that differs from the row before it', () => {
    const rows = [row(a, 1, 'OPEN'), row(a, 2, 'OPEN'), row(a, 3, 'COOKING'), row(a, 4, 'OPEN'), row(b, 1, 'OPEN'), row(b, 5, 'OPEN')];
    expect(brief(newKeyChanges(model, rows))).toEqual(['a 01 OPEN', 'a 03 COOKING', 'a 04 OPEN', 'b 01 OPEN']);
  });

  it('sorts rows that do not come in (key, load_dt) order first', () => {
    const rows = [row(b, 5, 'CLOSED'), row(a, 4, 'OPEN'), row(b, 1, 'OPEN'), row(a, 1, 'OPEN'), row(b, 3, 'OPEN')];
    expect(brief(newKeyChanges(model, rows))).toEqual(['a 01 OPEN', 'b 01 OPEN', 'b 05 CLOSED']);
  });
});
