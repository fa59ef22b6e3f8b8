import { hashDiff, hubHashKey, linkHashKey } from '@orders-dwh/shared/vault';
import { vaultTables, type ColumnModel, type HubModel, type LinkModel, type SatelliteModel, type TableModel } from './vault-model.ts';

export type CellValue = string | number | null;
/** One row of a vault table, by column name (load_dt of hubs and links is added at load time). */
export type VaultRow = Record<string, CellValue>;
/** Rows to load, per table. */
export type VaultRows = Map<TableModel, VaultRow[]>;

function valueIn(model: TableModel, values: Record<string, CellValue>, name: string): CellValue {
  const value = values[name];
  if (value === undefined) throw new TypeError(`${model.table}: no value for column ${name}`);
  return value;
}

function copyColumns(model: TableModel, columns: readonly ColumnModel[], values: Record<string, CellValue>, into: VaultRow): void {
  for (const { name } of columns) into[name] = valueIn(model, values, name);
}

/** The hash key of a hub, from its business key columns in model order. */
export function hubKey(model: HubModel, businessKey: Record<string, CellValue>): string {
  return hubHashKey(...model.businessKey.map(({ name }) => valueIn(model, businessKey, name)));
}

/** A hub row: hash key, business key, attributes, record source. */
export function hubRow(model: HubModel, values: Record<string, CellValue>, loadSrc: string, key = hubKey(model, values)): VaultRow {
  const row: VaultRow = { [model.hashKey]: key };
  copyColumns(model, model.businessKey, values, row);
  copyColumns(model, model.attributes, values, row);
  row.load_src = loadSrc;
  return row;
}

/** A link row joining the given hub keys, passed in the model's hub order, with its attributes. */
export function linkRow(
  model: LinkModel,
  hubKeys: readonly string[],
  loadSrc: string,
  attributes: Record<string, CellValue> = {},
  key = linkHashKey(...hubKeys),
): VaultRow {
  if (hubKeys.length !== model.hubs.length) throw new TypeError(`${model.table}: expects ${model.hubs.length} hub keys`);
  const row: VaultRow = { [model.hashKey]: key };
  model.hubs.forEach((hub, i) => {
    row[hub.hashKey] = hubKeys[i]!;
  });
  copyColumns(model, model.attributes, attributes, row);
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

/** A satellite row of the parent hub key, effective at loadDt (normalised to an ISO instant). */
export function satelliteRow(model: SatelliteModel, parentKey: string, loadDt: string, values: Record<string, CellValue>, loadSrc: string): VaultRow {
  const row: VaultRow = { [model.parent.hashKey]: parentKey, load_dt: toInstant(loadDt, model.table) };
  copyColumns(model, model.payload, values, row);
  row[model.hashdiff] = hashDiff(...model.payload.map(({ name }) => row[name]!));
  row.load_src = loadSrc;
  return row;
}

/**
 * The rows of one batch, one per identity per table, built as orders are added: a hub or link
 * seen before in the batch (users, products, restaurants and their links recur in almost every
 * order) is neither built nor hashed again. Hubs and links keep the first row; satellites keep the
 * last per (key, load_dt), as a later event of the same instant wins.
 */
export class VaultBatch {
  /** Hub and link rows by hash key. */
  private readonly keys = new Map<HubModel | LinkModel, Map<string, VaultRow>>();
  /**
   * Satellite rows by parent key, then load_dt: two lookups of strings that already exist (and
   * keep their hash) instead of an identity string built, hashed and sorted for every row.
   */
  private readonly versions = new Map<SatelliteModel, Map<string, Map<string, VaultRow>>>();

  constructor(private readonly loadSrc: string) {
    for (const model of vaultTables) {
      if (model.kind === 'satellite') this.versions.set(model, new Map());
      else this.keys.set(model, new Map());
    }
  }

  /** Adds the hub's row on its first sight in the batch; returns its hash key. */
  hub(model: HubModel, values: Record<string, CellValue>): string {
    const key = hubKey(model, values);
    const rows = this.of(this.keys, model);
    if (!rows.has(key)) rows.set(key, hubRow(model, values, this.loadSrc, key));
    return key;
  }

  /** Adds the link between these hub keys (in the model's hub order) on its first sight. */
  link(model: LinkModel, hubKeys: readonly string[], attributes: Record<string, CellValue> = {}): string {
    const key = linkHashKey(...hubKeys);
    const rows = this.of(this.keys, model);
    if (!rows.has(key)) rows.set(key, linkRow(model, hubKeys, this.loadSrc, attributes, key));
    return key;
  }

  /** Adds the parent key's satellite row at loadDt, replacing one of the same instant. */
  satellite(model: SatelliteModel, parentKey: string, loadDt: string, values: Record<string, CellValue>): void {
    const row = satelliteRow(model, parentKey, loadDt, values, this.loadSrc);
    const byKey = this.of(this.versions, model);
    const ofKey = byKey.get(parentKey);
    if (ofKey) ofKey.set(row.load_dt as string, row);
    else byKey.set(parentKey, new Map([[row.load_dt as string, row]]));
  }

  /**
   * Rows per table, sorted by identity (hash key; parent key then load_dt) so that concurrent
   * loaders lock rows in the same order, and each key's versions follow one another in time.
   */
  rows(): VaultRows {
    return new Map(vaultTables.map((model) => [model, model.kind === 'satellite' ? this.versionRows(model) : this.keyRows(model)]));
  }

  private keyRows(model: HubModel | LinkModel): VaultRow[] {
    const byKey = this.of(this.keys, model);
    return sortedKeys(byKey).map((key) => byKey.get(key)!);
  }

  private versionRows(model: SatelliteModel): VaultRow[] {
    const byKey = this.of(this.versions, model);
    return sortedKeys(byKey).flatMap((key) => {
      const ofKey = byKey.get(key)!;
      return ofKey.size === 1 ? [...ofKey.values()] : sortedKeys(ofKey).map((at) => ofKey.get(at)!);
    });
  }

  private of<M extends TableModel, V>(tables: Map<M, V>, model: M): V {
    const rows = tables.get(model);
    if (!rows) throw new TypeError(`${model.table} is not a table of the vault model`);
    return rows;
  }
}

/** The map's keys in code-unit order (what Array.prototype.sort does to strings). */
const sortedKeys = (map: ReadonlyMap<string, unknown>): string[] => [...map.keys()].sort();
