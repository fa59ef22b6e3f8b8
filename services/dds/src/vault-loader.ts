// One generic loading routine per kind of vault table; the SQL is generated from vault-model.ts.
import type { PoolClient } from 'pg';
import { VAULT_SCHEMA, vaultTables, type ColumnModel, type HubModel, type LinkModel, type SatelliteModel, type TableModel } from './vault-model.ts';
import type { VaultRow, VaultRows } from './vault-rows.ts';

export interface LoadStatement {
  text: string;
  values: unknown[];
}

export const quoteIdentifier = (name: string) => `"${name.replaceAll('"', '""')}"`;
const tableName = (model: TableModel) => `${quoteIdentifier(VAULT_SCHEMA)}.${quoteIdentifier(model.table)}`;
const uuid = (name: string): ColumnModel => ({ name, type: 'uuid' });
const loadSrc: ColumnModel = { name: 'load_src', type: 'text' };
const loadDt: ColumnModel = { name: 'load_dt', type: 'timestamptz' };

/** The batch as a relation: unnest($1::type[], ...) AS alias(columns), one array per column. */
function unnestRows(columns: readonly ColumnModel[], rows: readonly VaultRow[], alias: string) {
  const arrays = columns.map((c, i) => `$${i + 1}::${c.type}[]`).join(', ');
  const names = columns.map((c) => quoteIdentifier(c.name)).join(', ');
  return {
    from: `unnest(${arrays}) AS ${alias}(${names})`,
    values: columns.map((c) => rows.map((row) => row[c.name] ?? null)),
  };
}

/** Hubs and links: insert the keys not yet present, stamped with the batch's load_dt. */
function keyLoadStatement(model: HubModel | LinkModel, columns: readonly ColumnModel[], rows: readonly VaultRow[], batchLoadDt: Date): LoadStatement {
  const source = unnestRows(columns, rows, 'r');
  const loadDtParam = `$${columns.length + 1}::timestamptz`;
  const names = columns.map((c) => quoteIdentifier(c.name));
  return {
    text:
      `INSERT INTO ${tableName(model)} (${[...names, quoteIdentifier('load_dt')].join(', ')}) ` +
      `SELECT ${names.map((n) => `r.${n}`).join(', ')}, ${loadDtParam} FROM ${source.from} ` +
      `ON CONFLICT (${quoteIdentifier(model.hashKey)}) DO NOTHING`,
    values: [...source.values, batchLoadDt],
  };
}

export function hubLoadStatement(model: HubModel, rows: readonly VaultRow[], batchLoadDt: Date): LoadStatement {
  const columns = [uuid(model.hashKey), ...model.businessKey, ...model.attributes, loadSrc];
  return keyLoadStatement(model, columns, rows, batchLoadDt);
}

export function linkLoadStatement(model: LinkModel, rows: readonly VaultRow[], batchLoadDt: Date): LoadStatement {
  const columns = [uuid(model.hashKey), ...model.hubs.map((hub) => uuid(hub.hashKey)), loadSrc];
  return keyLoadStatement(model, columns, rows, batchLoadDt);
}

/**
 * Satellites keep history and are idempotent under replay and out-of-order arrival. A batch row
 * (key, load_dt) is inserted when no row exists at that (key, load_dt) and its hashdiff differs
 * from its predecessor: the latest earlier row of that key, whether already stored or new in this
 * batch (several changes of one key in a batch are taken in load_dt order).
 */
export function satelliteLoadStatement(model: SatelliteModel, rows: readonly VaultRow[]): LoadStatement {
  const key = quoteIdentifier(model.parent.hashKey);
  const hashdiff = quoteIdentifier(model.hashdiff);
  const at = quoteIdentifier('load_dt');
  const columns = [uuid(model.parent.hashKey), loadDt, ...model.payload, uuid(model.hashdiff), loadSrc];
  const names = columns.map((c) => quoteIdentifier(c.name));
  const source = unnestRows(columns, rows, 'b');
  const table = tableName(model);
  return {
    text: [
      `WITH fresh AS (`,
      `  SELECT b.*, lag(b.${at}) OVER w AS batch_prev_load_dt, lag(b.${hashdiff}) OVER w AS batch_prev_hashdiff`,
      `  FROM ${source.from}`,
      `  WHERE NOT EXISTS (SELECT 1 FROM ${table} s WHERE s.${key} = b.${key} AND s.${at} = b.${at})`,
      `  WINDOW w AS (PARTITION BY b.${key} ORDER BY b.${at})`,
      `)`,
      `INSERT INTO ${table} (${names.join(', ')})`,
      `SELECT ${names.map((n) => `f.${n}`).join(', ')}`,
      `FROM fresh f`,
      `LEFT JOIN LATERAL (`,
      `  SELECT s.${at} AS load_dt, s.${hashdiff} AS hashdiff FROM ${table} s`,
      `  WHERE s.${key} = f.${key} AND s.${at} < f.${at} ORDER BY s.${at} DESC LIMIT 1`,
      `) stored ON true`,
      `WHERE CASE WHEN f.batch_prev_load_dt > stored.load_dt OR (stored.load_dt IS NULL AND f.batch_prev_load_dt IS NOT NULL)`,
      `           THEN f.batch_prev_hashdiff ELSE stored.hashdiff END IS DISTINCT FROM f.${hashdiff}`,
      `ORDER BY f.${key}, f.${at}`,
      `ON CONFLICT DO NOTHING`,
    ].join('\n'),
    values: source.values,
  };
}

export function loadStatement(model: TableModel, rows: readonly VaultRow[], batchLoadDt: Date): LoadStatement {
  switch (model.kind) {
    case 'hub':
      return hubLoadStatement(model, rows, batchLoadDt);
    case 'link':
      return linkLoadStatement(model, rows, batchLoadDt);
    case 'satellite':
      return satelliteLoadStatement(model, rows);
  }
}

/** Loads a batch into the vault, one statement per table, hubs first; returns rows inserted per table. */
export async function loadVault(db: PoolClient, rows: VaultRows, batchLoadDt: Date): Promise<Map<string, number>> {
  const inserted = new Map<string, number>();
  for (const model of vaultTables) {
    const tableRows = rows.get(model) ?? [];
    if (tableRows.length === 0) continue;
    const result = await db.query(loadStatement(model, tableRows, batchLoadDt));
    inserted.set(model.table, result.rowCount ?? 0);
  }
  return inserted;
}
