// One generic loading routine per kind of vault table; the SQL is generated from vault-model.ts.
import { createHash } from 'node:crypto';
import { pgArrayLiteral, type ArrayElement } from '@orders-dwh/shared/clients';
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
/** A satellite's columns as loaded: parent key, load_dt, payload, hashdiff, record source. */
const satelliteColumns = (model: SatelliteModel): ColumnModel[] => [uuid(model.parent.hashKey), loadDt, ...model.payload, uuid(model.hashdiff), loadSrc];

/**
 * The batch as a relation: unnest($n::type[], $n+1::type[], ...) AS alias(column, ...), one array
 * parameter per column, written as Postgres's array literal (pgArrayLiteral; rows without a column
 * read as null). Measured against the rows as one jsonb parameter (jsonb_to_recordset): Postgres
 * reads typed arrays in a third less time, and pg's own escaping of array elements, slow enough to
 * have made jsonb the faster of the two before, is not used.
 */
function batchRows(columns: readonly ColumnModel[], rows: ReadonlyArray<Readonly<Record<string, unknown>>>, alias: string, param: number) {
  const arrays = columns.map((c, i) => `$${param + i}::${c.type}[]`).join(', ');
  return {
    from: `unnest(${arrays}) AS ${alias}(${columns.map((c) => quoteIdentifier(c.name)).join(', ')})`,
    values: columns.map((c) => pgArrayLiteral(rows.map((row) => row[c.name] as ArrayElement))),
  };
}

/** Hubs and links: insert the keys not yet present, stamped with the batch's load_dt. */
function keyLoadStatement(
  model: HubModel | LinkModel,
  columns: readonly ColumnModel[],
  rows: readonly VaultRow[],
  batchLoadDt: Date,
  firstParam: number,
  returning = false,
): LoadStatement {
  const source = batchRows(columns, rows, 'r', firstParam);
  const loadDtParam = `$${firstParam + source.values.length}::timestamptz`;
  const names = columns.map((c) => quoteIdentifier(c.name));
  return {
    text:
      `INSERT INTO ${tableName(model)} (${[...names, quoteIdentifier('load_dt')].join(', ')}) ` +
      `SELECT ${names.map((n) => `r.${n}`).join(', ')}, ${loadDtParam} FROM ${source.from} ` +
      `ON CONFLICT (${quoteIdentifier(model.hashKey)}) DO NOTHING` +
      (returning ? ` RETURNING ${quoteIdentifier(model.hashKey)}` : ''),
    values: [...source.values, batchLoadDt],
  };
}

export function hubLoadStatement(model: HubModel, rows: readonly VaultRow[], batchLoadDt: Date, firstParam = 1, returning = false): LoadStatement {
  const columns = [uuid(model.hashKey), ...model.businessKey, ...model.attributes, loadSrc];
  return keyLoadStatement(model, columns, rows, batchLoadDt, firstParam, returning);
}

export function linkLoadStatement(model: LinkModel, rows: readonly VaultRow[], batchLoadDt: Date, firstParam = 1, returning = false): LoadStatement {
  const columns = [uuid(model.hashKey), ...model.hubs.map((hub) => uuid(hub.hashKey)), ...model.attributes, loadSrc];
  return keyLoadStatement(model, columns, rows, batchLoadDt, firstParam, returning);
}

/**
 * A satellite's rows whose parent key the batch's own keys statement has just inserted (RETURNING):
 * no version of such a key is stored, and none can be before this transaction ends (any other
 * loader's insert of the key waits for this one's), so its history is the batch's alone. Of the
 * batch's rows of one key, in load_dt order, each one that differs from the one before is a change;
 * those are inserted as they are, without the stored-history probes and windows of
 * satelliteLoadCtes. Rows come sorted by (key, load_dt) from VaultBatch; others are sorted here.
 */
export function newKeyChanges(model: SatelliteModel, rows: readonly VaultRow[]): VaultRow[] {
  const key = model.parent.hashKey;
  // On every new key's rows of every batch: fields compared, no identity string built per row.
  const before = (a: VaultRow, b: VaultRow) => a[key]! < b[key]! || (a[key] === b[key] && a.load_dt! < b.load_dt!);
  const sorted = rows.every((row, i) => i === 0 || before(rows[i - 1]!, row)) ? rows : [...rows].sort((a, b) => (before(a, b) ? -1 : 1));
  return sorted.filter((row, i) => i === 0 || sorted[i - 1]![key] !== row[key] || sorted[i - 1]![model.hashdiff] !== row[model.hashdiff]);
}

/**
 * The changes of keys new in this batch (newKeyChanges), inserted as one CTE. ON CONFLICT only for
 * rows that are not VaultBatch's (one per key and instant): it cost nothing measurable.
 */
function newKeyInsertCte(model: SatelliteModel, rows: readonly VaultRow[], firstParam: number): { ctes: string[]; values: unknown[] } {
  const columns = satelliteColumns(model);
  const names = columns.map((c) => quoteIdentifier(c.name));
  const source = batchRows(columns, rows, 'n', firstParam);
  const insert = [
    `${quoteIdentifier(`${model.table}__new_keys`)} AS (`,
    `  INSERT INTO ${tableName(model)} (${names.join(', ')})`,
    `  SELECT ${names.map((n) => `n.${n}`).join(', ')} FROM ${source.from}`,
    `  ORDER BY n.${names[0]}, n.${names[1]}`,
    `  ON CONFLICT DO NOTHING`,
    `)`,
  ];
  return { ctes: [insert.join('\n')], values: source.values };
}

/**
 * Satellites hold changes only, idempotent under replay and out-of-order arrival. A batch row
 * (key, load_dt) is inserted when no row exists at that (key, load_dt) and its hashdiff differs
 * from its predecessor: the latest earlier row of that key, whether already stored or new in this
 * batch (several changes of one key in a batch are taken in load_dt order). An inserted row that
 * equals its stored successor (the earliest later row, with no new row of the batch in between)
 * makes that successor a repeat: it is deleted, so that a late event moves the change back to when
 * it happened instead of leaving two equal versions in a row. One index probe per batch row finds
 * the predecessor, one per inserted row the successor. Rows of keys new in this batch do not come
 * here (newKeyChanges).
 *
 * Returned as top-level CTE definitions (a DELETE may not sit in a nested WITH), to be combined
 * into one statement; loadVault runs it under the satellite lock (see there).
 */
export function satelliteLoadCtes(
  model: SatelliteModel,
  rows: ReadonlyArray<Readonly<Record<string, unknown>>>,
  firstParam = 1,
): { ctes: string[]; values: unknown[] } {
  const key = quoteIdentifier(model.parent.hashKey);
  const hashdiff = quoteIdentifier(model.hashdiff);
  const at = quoteIdentifier('load_dt');
  const columns = satelliteColumns(model);
  const names = columns.map((c) => quoteIdentifier(c.name));
  const source = batchRows(columns, rows, 'b', firstParam);
  const table = tableName(model);
  const cte = (suffix: string) => quoteIdentifier(`${model.table}${suffix}`);
  const [fresh, repeats, dropped, inserted] = [cte('__fresh'), cte('__repeats'), cte('__dropped'), cte('')];
  return {
    ctes: [
      [
        `${fresh} AS (`,
        `  SELECT p.*, lead(p.${at}) OVER (PARTITION BY p.${key} ORDER BY p.${at}) AS next_fresh_load_dt FROM (`,
        `    SELECT f.*, stored.load_dt AS stored_load_dt, stored.hashdiff AS stored_hashdiff FROM (`,
        `      SELECT b.*, lag(b.${at}) OVER w AS batch_prev_load_dt, lag(b.${hashdiff}) OVER w AS batch_prev_hashdiff`,
        `      FROM ${source.from}`,
        `      WINDOW w AS (PARTITION BY b.${key} ORDER BY b.${at})`,
        `    ) f`,
        // A LATERAL probe rather than a join: the planner cannot estimate the batch's size (a
        // prepared statement's array parameter) and chose a hash join over the whole satellite, a
        // full scan per batch; LIMIT 1 keeps it one index probe per batch row.
        `    LEFT JOIN LATERAL (`,
        `      SELECT s.${at} AS load_dt, s.${hashdiff} AS hashdiff FROM ${table} s`,
        `      WHERE s.${key} = f.${key} AND s.${at} <= f.${at} ORDER BY s.${at} DESC LIMIT 1`,
        `    ) stored ON true`,
        `  ) p`,
        // Already stored at this instant: nothing to do. A batch predecessor stored at its own
        // instant is at or before stored.load_dt, so the stored row is the one to compare with.
        `  WHERE p.stored_load_dt IS DISTINCT FROM p.${at}`,
        `    AND CASE WHEN p.batch_prev_load_dt > p.stored_load_dt OR (p.stored_load_dt IS NULL AND p.batch_prev_load_dt IS NOT NULL)`,
        `             THEN p.batch_prev_hashdiff ELSE p.stored_hashdiff END IS DISTINCT FROM p.${hashdiff}`,
        `)`,
      ].join('\n'),
      [
        `${repeats} AS (`,
        `  SELECT f.${key} AS key, next.load_dt FROM ${fresh} f`,
        `  JOIN LATERAL (`,
        `    SELECT s.${at} AS load_dt, s.${hashdiff} AS hashdiff FROM ${table} s`,
        `    WHERE s.${key} = f.${key} AND s.${at} > f.${at} ORDER BY s.${at} LIMIT 1`,
        `  ) next ON next.hashdiff = f.${hashdiff}`,
        `  WHERE f.next_fresh_load_dt IS NULL OR f.next_fresh_load_dt > next.load_dt`,
        `)`,
      ].join('\n'),
      `${dropped} AS (\n  DELETE FROM ${table} s USING ${repeats} r WHERE s.${key} = r.key AND s.${at} = r.load_dt\n)`,
      [
        `${inserted} AS (`,
        `  INSERT INTO ${table} (${names.join(', ')})`,
        `  SELECT ${names.map((n) => `f.${n}`).join(', ')} FROM ${fresh} f`,
        `  ORDER BY f.${key}, f.${at}`,
        `  ON CONFLICT DO NOTHING`,
        `)`,
      ].join('\n'),
    ],
    values: source.values,
  };
}

/** A satellite's load as a statement of its own (tests; loadVault combines every satellite's). */
export function satelliteLoadStatement(model: SatelliteModel, rows: readonly VaultRow[], firstParam = 1): LoadStatement {
  const { ctes, values } = satelliteLoadCtes(model, rows, firstParam);
  return { text: `WITH ${ctes.join(',\n')}\nSELECT 1`, values };
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

/** Hubs and links that satellites hang from: the keys statement returns which of their keys it inserted. */
const SATELLITE_PARENTS = new Set<TableModel>(vaultTables.flatMap((model) => (model.kind === 'satellite' ? [model.parent] : [])));

/**
 * A batch's load as two statements. The first inserts every hub and link key (each table's load a
 * data-modifying CTE, hubs first) and returns, per parent of a satellite, the keys it inserted; the
 * second loads every satellite's rows. They read no table another one writes (no foreign keys; a
 * satellite reads only itself), so combining them is the same as one load after the other, in one
 * round trip each instead of fourteen. Null where there is nothing to load.
 */
export function keysLoadStatement(rows: VaultRows, batchLoadDt: Date): LoadStatement | null {
  const ctes: string[] = [];
  const values: unknown[] = [];
  const returned: Array<HubModel | LinkModel> = [];
  for (const model of vaultTables) {
    const tableRows = rows.get(model) ?? [];
    if (model.kind === 'satellite' || tableRows.length === 0) continue;
    const returning = SATELLITE_PARENTS.has(model);
    const { text, values: own } =
      model.kind === 'hub'
        ? hubLoadStatement(model, tableRows, batchLoadDt, values.length + 1, returning)
        : linkLoadStatement(model, tableRows, batchLoadDt, values.length + 1, returning);
    ctes.push(`${quoteIdentifier(model.table)} AS (\n${text})`);
    values.push(...own);
    if (returning) returned.push(model);
  }
  if (ctes.length === 0) return null;
  const inserted = returned.map(
    (m) => `'${m.table}', (SELECT coalesce(json_agg(i.${quoteIdentifier(m.hashKey)}), '[]'::json) FROM ${quoteIdentifier(m.table)} i)`,
  );
  return { text: `WITH ${ctes.join(',\n')}\nSELECT json_build_object(${inserted.join(', ')}) AS inserted`, values };
}

/** Keys the keys statement inserted, by table. */
export type InsertedKeys = ReadonlyMap<string, ReadonlySet<string>>;

export function satellitesLoadStatement(rows: VaultRows, inserted: InsertedKeys = new Map()): LoadStatement | null {
  const ctes: string[] = [];
  const values: unknown[] = [];
  const add = (own: { ctes: string[]; values: unknown[] }) => {
    ctes.push(...own.ctes);
    values.push(...own.values);
  };
  for (const model of vaultTables) {
    const tableRows = rows.get(model) ?? [];
    if (model.kind !== 'satellite' || tableRows.length === 0) continue;
    const fresh = inserted.get(model.parent.table);
    const ofNewKeys: VaultRow[] = [];
    const ofStoredKeys: VaultRow[] = [];
    for (const row of tableRows) (fresh?.has(row[model.parent.hashKey] as string) ? ofNewKeys : ofStoredKeys).push(row);
    if (ofStoredKeys.length > 0) add(satelliteLoadCtes(model, ofStoredKeys, values.length + 1));
    if (ofNewKeys.length > 0) add(newKeyInsertCte(model, newKeyChanges(model, ofNewKeys), values.length + 1));
  }
  return ctes.length === 0 ? null : { text: `WITH ${ctes.join(',\n')}\nSELECT 1`, values };
}

/**
 * The transaction-scoped advisory lock every satellite load holds from before it reads the stored
 * history to its commit. Loads of concurrent batches (partitions, instances) that carry the same
 * key would otherwise each miss the other's uncommitted rows and both insert a version: with it,
 * each one's statement starts after the previous one committed and sees its rows, exactly as if
 * one loader ran them in turn. Only the satellite statement and the commit are serialised (hubs and
 * links load concurrently), and a waiter holds no satellite row, so it cannot deadlock.
 */
export const SATELLITE_LOAD_LOCK = 0x64_64_73_5f_73_61_74n; // "dds_sat"

/**
 * Loads a batch into the vault: the hub and link keys, then — under the satellite lock, in a
 * statement whose snapshot follows it — the satellites. Each statement is prepared once per
 * connection (named by a digest of its text): its plan does not depend on the batch, and planning
 * the inserts took longer than running them for small batches.
 */
export async function loadVault(db: PoolClient, rows: VaultRows, batchLoadDt: Date): Promise<void> {
  const prepared = (prefix: string, statement: LoadStatement) => ({
    name: `${prefix}_${createHash('sha1').update(statement.text).digest('hex').slice(0, 16)}`,
    ...statement,
  });
  const keys = keysLoadStatement(rows, batchLoadDt);
  let inserted: InsertedKeys = new Map();
  if (keys) {
    const result = await db.query<{ inserted: Record<string, string[]> }>(prepared('dds_keys', keys));
    inserted = new Map(Object.entries(result.rows[0]!.inserted).map(([table, keys]) => [table, new Set(keys)]));
  }
  const satellites = satellitesLoadStatement(rows, inserted);
  if (!satellites) return;
  await db.query({ name: 'dds_satellite_lock', text: 'SELECT pg_advisory_xact_lock($1)', values: [SATELLITE_LOAD_LOCK.toString()] });
  await db.query(prepared('dds_satellites', satellites));
}
