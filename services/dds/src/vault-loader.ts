// One generic loading routine per kind of vault table; the SQL is generated from vault-model.ts.
import { createHash } from 'node:crypto';
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

/**
 * The batch as a relation: jsonb_to_recordset($n::jsonb) AS alias(column type, ...), the rows as ONE
 * JSON parameter (rows are keyed by column name; absent keys read as null). Measured against one
 * array parameter per column: the driver no longer escapes every array element, which took a
 * quarter of dds's own CPU.
 */
function batchRows(columns: readonly ColumnModel[], rows: readonly VaultRow[], alias: string, param: number) {
  const names = columns.map((c) => `${quoteIdentifier(c.name)} ${c.type}`).join(', ');
  return {
    from: `jsonb_to_recordset($${param}::jsonb) AS ${alias}(${names})`,
    values: [JSON.stringify(rows)],
  };
}

/** Hubs and links: insert the keys not yet present, stamped with the batch's load_dt. */
function keyLoadStatement(model: HubModel | LinkModel, columns: readonly ColumnModel[], rows: readonly VaultRow[], batchLoadDt: Date, firstParam: number): LoadStatement {
  const source = batchRows(columns, rows, 'r', firstParam);
  const loadDtParam = `$${firstParam + 1}::timestamptz`;
  const names = columns.map((c) => quoteIdentifier(c.name));
  return {
    text:
      `INSERT INTO ${tableName(model)} (${[...names, quoteIdentifier('load_dt')].join(', ')}) ` +
      `SELECT ${names.map((n) => `r.${n}`).join(', ')}, ${loadDtParam} FROM ${source.from} ` +
      `ON CONFLICT (${quoteIdentifier(model.hashKey)}) DO NOTHING`,
    values: [...source.values, batchLoadDt],
  };
}

export function hubLoadStatement(model: HubModel, rows: readonly VaultRow[], batchLoadDt: Date, firstParam = 1): LoadStatement {
  const columns = [uuid(model.hashKey), ...model.businessKey, ...model.attributes, loadSrc];
  return keyLoadStatement(model, columns, rows, batchLoadDt, firstParam);
}

export function linkLoadStatement(model: LinkModel, rows: readonly VaultRow[], batchLoadDt: Date, firstParam = 1): LoadStatement {
  const columns = [uuid(model.hashKey), ...model.hubs.map((hub) => uuid(hub.hashKey)), loadSrc];
  return keyLoadStatement(model, columns, rows, batchLoadDt, firstParam);
}

/**
 * Satellites keep history and are idempotent under replay and out-of-order arrival. A batch row
 * (key, load_dt) is inserted when no row exists at that (key, load_dt) and its hashdiff differs
 * from its predecessor: the latest earlier row of that key, whether already stored or new in this
 * batch (several changes of one key in a batch are taken in load_dt order). One index probe per
 * batch row finds both: the latest stored row at or before its load_dt.
 */
export function satelliteLoadStatement(model: SatelliteModel, rows: readonly VaultRow[], firstParam = 1): LoadStatement {
  const key = quoteIdentifier(model.parent.hashKey);
  const hashdiff = quoteIdentifier(model.hashdiff);
  const at = quoteIdentifier('load_dt');
  const columns = [uuid(model.parent.hashKey), loadDt, ...model.payload, uuid(model.hashdiff), loadSrc];
  const names = columns.map((c) => quoteIdentifier(c.name));
  const source = batchRows(columns, rows, 'b', firstParam);
  const table = tableName(model);
  return {
    text: [
      `WITH batch AS (`,
      `  SELECT b.*, lag(b.${at}) OVER w AS batch_prev_load_dt, lag(b.${hashdiff}) OVER w AS batch_prev_hashdiff`,
      `  FROM ${source.from}`,
      `  WINDOW w AS (PARTITION BY b.${key} ORDER BY b.${at})`,
      `)`,
      `INSERT INTO ${table} (${names.join(', ')})`,
      `SELECT ${names.map((n) => `f.${n}`).join(', ')}`,
      `FROM batch f`,
      // A LATERAL probe rather than a join: the planner cannot estimate the batch's size
      // (jsonb_to_recordset counts 100 rows) and chose a hash join over the whole satellite, a full
      // scan per batch; LIMIT 1 keeps it one index probe per batch row.
      `LEFT JOIN LATERAL (`,
      `  SELECT s.${at} AS load_dt, s.${hashdiff} AS hashdiff FROM ${table} s`,
      `  WHERE s.${key} = f.${key} AND s.${at} <= f.${at} ORDER BY s.${at} DESC LIMIT 1`,
      `) stored ON true`,
      // Already stored at this instant: nothing to do. A batch predecessor stored at its own
      // instant is at or before stored.load_dt, so the stored row is the one to compare with.
      `WHERE stored.load_dt IS DISTINCT FROM f.${at}`,
      `  AND CASE WHEN f.batch_prev_load_dt > stored.load_dt OR (stored.load_dt IS NULL AND f.batch_prev_load_dt IS NOT NULL)`,
      `           THEN f.batch_prev_hashdiff ELSE stored.hashdiff END IS DISTINCT FROM f.${hashdiff}`,
      `ORDER BY f.${key}, f.${at}`,
      `ON CONFLICT DO NOTHING`,
    ].join('\n'),
    values: source.values,
  };
}

/** firstParam: number of the statement's first $parameter, so that statements can be combined. */
export function loadStatement(model: TableModel, rows: readonly VaultRow[], batchLoadDt: Date, firstParam = 1): LoadStatement {
  switch (model.kind) {
    case 'hub':
      return hubLoadStatement(model, rows, batchLoadDt, firstParam);
    case 'link':
      return linkLoadStatement(model, rows, batchLoadDt, firstParam);
    case 'satellite':
      return satelliteLoadStatement(model, rows, firstParam);
  }
}

/**
 * The whole batch as ONE statement: each table's load is a data-modifying CTE (hubs first). They
 * read no table another one writes (no foreign keys; a satellite reads only itself), so running
 * them in one statement is the same as one after the other, in one round trip instead of fourteen.
 * The CTEs run to completion unreferenced; returning nothing from them saved 1–2 µs of Postgres CPU
 * per order (bench/write-path.ts). Returns null when there is nothing to load.
 */
export function vaultLoadStatement(rows: VaultRows, batchLoadDt: Date): LoadStatement | null {
  const parts: string[] = [];
  const values: unknown[] = [];
  for (const model of vaultTables) {
    const tableRows = rows.get(model) ?? [];
    if (tableRows.length === 0) continue;
    const { text, values: own } = loadStatement(model, tableRows, batchLoadDt, values.length + 1);
    parts.push(`${quoteIdentifier(model.table)} AS (\n${text})`);
    values.push(...own);
  }
  if (parts.length === 0) return null;
  return { text: `WITH ${parts.join(',\n')}\nSELECT 1`, values };
}

/**
 * Loads a batch into the vault in one statement (see vaultLoadStatement). The statement is prepared
 * once per connection (named by a digest of its text): its plan does not depend on the batch, and
 * planning fourteen inserts took longer than running them for small batches.
 */
export async function loadVault(db: PoolClient, rows: VaultRows, batchLoadDt: Date): Promise<void> {
  const statement = vaultLoadStatement(rows, batchLoadDt);
  if (!statement) return;
  const name = `dds_vault_${createHash('sha1').update(statement.text).digest('hex').slice(0, 16)}`;
  await db.query({ name, ...statement });
}
