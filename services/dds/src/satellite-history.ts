// A check of the vault's satellites: a row whose hashdiff equals the previous row's of the same
// key is a phantom version (nothing changed). Used by the tests, the benchmark and the crash test.
import type pg from 'pg';
import { quoteIdentifier } from './vault-loader.ts';
import { satellites, VAULT_SCHEMA } from './vault-model.ts';

export interface SatelliteRepeats {
  table: string;
  /** Rows equal to the row just before them for the same key. */
  repeats: number;
}

/** Every satellite with at least one repeated version; empty when each holds changes only. */
export async function satelliteRepeats(db: Pick<pg.ClientBase, 'query'>): Promise<SatelliteRepeats[]> {
  const found: SatelliteRepeats[] = [];
  for (const model of Object.values(satellites)) {
    const key = quoteIdentifier(model.parent.hashKey);
    const hashdiff = quoteIdentifier(model.hashdiff);
    const { rows } = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM (
         SELECT ${hashdiff} = lag(${hashdiff}) OVER (PARTITION BY ${key} ORDER BY load_dt) AS repeat
           FROM ${quoteIdentifier(VAULT_SCHEMA)}.${quoteIdentifier(model.table)}) h
       WHERE repeat`,
    );
    if (rows[0]!.n > 0) found.push({ table: model.table, repeats: rows[0]!.n });
  }
  return found;
}
