import { hashDiff, hubHashKey, linkHashKey } from './hash-keys.ts';
import { vaultTables, type ColumnModel, type HubModel, type LinkModel, type SatelliteModel, type TableModel } from './vault-model.ts';

export type CellValue = string | number | null;
/** One row of a vault table, by column name (load_dt of hubs and links is added at load time). */
export type VaultRow = Record<string, CellValue>;
/** Rows to load, per table. */
export type VaultRows = Map<TableModel, VaultRow[]>;

function pick(model: TableModel, columns: readonly ColumnModel[], values: Record<string, CellValue>): VaultRow {
  const row: VaultRow = {};
  for (const { name } of columns) {
    const value = values[name];
    if (value === undefined) throw new TypeError(`${model.table}: no value for column ${name}`);
    row[name] = value;
  }
  return row;
}

function keyOf(row: VaultRow, column: string): string {
  const key = row[column];
  if (typeof key !== 'string') throw new TypeError(`row has no ${column}`);
  return key;
}

/** The hash key of a hub, from its business key columns in model order. */
export function hubKey(model: HubModel, businessKey: Record<string, CellValue>): string {
  const values = pick(model, model.businessKey, businessKey);
  return hubHashKey(...model.businessKey.map(({ name }) => values[name]));
}

/** A hub row: hash key, business key, attributes, record source. */
export function hubRow(model: HubModel, values: Record<string, CellValue>, loadSrc: string): VaultRow {
  return {
    [model.hashKey]: hubKey(model, values),
    ...pick(model, model.businessKey, values),
    ...pick(model, model.attributes, values),
    load_src: loadSrc,
  };
}

/** A link row joining the given hub rows, passed in the model's hub order. */
export function linkRow(model: LinkModel, hubRows: readonly VaultRow[], loadSrc: string): VaultRow {
  if (hubRows.length !== model.hubs.length) throw new TypeError(`${model.table}: expects ${model.hubs.length} hub rows`);
  const hubKeys = model.hubs.map((hub, i) => keyOf(hubRows[i], hub.hashKey));
  const row: VaultRow = { [model.hashKey]: linkHashKey(...hubKeys) };
  model.hubs.forEach((hub, i) => (row[hub.hashKey] = hubKeys[i]));
  row.load_src = loadSrc;
  return row;
}

const canonicalInstant = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** A timestamp as a canonical UTC ISO instant, so that equal instants compare equal as text. */
export function toInstant(timestamp: string, table = 'vault'): string {
  if (canonicalInstant.test(timestamp)) return timestamp;
  const instant = new Date(timestamp);
  if (Number.isNaN(instant.getTime())) throw new TypeError(`${table}: invalid load_dt ${timestamp}`);
  return instant.toISOString();
}

/** A satellite row of the parent hub row, effective at loadDt (normalised to an ISO instant). */
export function satelliteRow(
  model: SatelliteModel,
  parentRow: VaultRow,
  loadDt: string,
  values: Record<string, CellValue>,
  loadSrc: string,
): VaultRow {
  const payload = pick(model, model.payload, values);
  return {
    [model.parent.hashKey]: keyOf(parentRow, model.parent.hashKey),
    load_dt: toInstant(loadDt, model.table),
    ...payload,
    [model.hashdiff]: hashDiff(...model.payload.map(({ name }) => payload[name])),
    load_src: loadSrc,
  };
}

/** What identifies a row of the table: the hash key, or (parent key, load_dt) for satellites. */
export function rowIdentity(model: TableModel, row: VaultRow): string {
  if (model.kind !== 'satellite') return keyOf(row, model.hashKey);
  return `${keyOf(row, model.parent.hashKey)} ${keyOf(row, 'load_dt')}`;
}

/**
 * Merges the rows of several orders into one load per table: one row per identity (hubs and links
 * keep the first, satellites the last in batch order, as a later event of the same instant wins),
 * sorted by identity so that concurrent loaders lock rows in the same order.
 */
export function mergeVaultRows(parts: readonly VaultRows[]): VaultRows {
  const merged: VaultRows = new Map();
  for (const model of vaultTables) {
    const byIdentity = new Map<string, VaultRow>();
    for (const part of parts) {
      for (const row of part.get(model) ?? []) {
        const identity = rowIdentity(model, row);
        if (model.kind === 'satellite' || !byIdentity.has(identity)) byIdentity.set(identity, row);
      }
    }
    const sorted = [...byIdentity.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    merged.set(model, sorted.map(([, row]) => row));
  }
  return merged;
}
