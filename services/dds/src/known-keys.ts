import type { HubModel, LinkModel, TableModel } from './vault-model.ts';
import type { VaultRows } from './vault-rows.ts';

/** A bounded set: two generations; a key found in the older one moves to the current one. */
class RecentSet {
  private current = new Set<string>();
  private older = new Set<string>();

  constructor(private readonly generationSize: number) {}

  has(key: string): boolean {
    if (this.current.has(key)) return true;
    if (!this.older.has(key)) return false;
    this.add(key);
    return true;
  }

  add(key: string): void {
    if (this.current.size >= this.generationSize) {
      this.older = this.current;
      this.current = new Set();
    }
    this.current.add(key);
  }
}

const isKeyTable = (model: TableModel): model is HubModel | LinkModel => model.kind !== 'satellite';

/**
 * Hub and link keys this process has seen committed in the vault. Hubs and links are insert-only
 * and never change, so a batch need not send them again: users, products, restaurants and their
 * links recur in almost every batch. Only keys of committed transactions are remembered (see
 * StageContext.afterCommit), so a rolled-back batch never hides a row. Several instances may
 * each remember their own; a key another instance inserted is only sent once more, and
 * ON CONFLICT DO NOTHING keeps it. Bounded per table (two generations of generationSize keys).
 * Truncating the vault under a running dds would leave it remembering rows that are gone: restart
 * dds after that.
 */
export class KnownVaultKeys {
  private readonly tables = new Map<TableModel, RecentSet>();

  constructor(private readonly generationSize = 20_000) {}

  /** The rows without the hub and link rows known to be stored already. */
  withoutKnown(rows: VaultRows): VaultRows {
    const fresh: VaultRows = new Map();
    for (const [model, tableRows] of rows) {
      const known = isKeyTable(model) ? this.tables.get(model) : undefined;
      const hashKey = isKeyTable(model) ? model.hashKey : '';
      fresh.set(model, known ? tableRows.filter((row) => !known.has(row[hashKey] as string)) : tableRows);
    }
    return fresh;
  }

  /** Call once the transaction that stored these rows has committed. */
  remember(rows: VaultRows): void {
    for (const [model, tableRows] of rows) {
      if (!isKeyTable(model)) continue;
      let known = this.tables.get(model);
      if (!known) this.tables.set(model, (known = new RecentSet(this.generationSize)));
      for (const row of tableRows) known.add(row[model.hashKey] as string);
    }
  }
}
