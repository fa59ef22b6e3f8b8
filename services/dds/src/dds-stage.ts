import { enrichedOrderContract, type EnrichedOrder } from '../../shared/src/contracts/index.ts';
import type { StageDefinition } from '../../shared/src/stage/stage-definition.ts';
import { closedOrderMessages } from './closed-order-message.ts';
import { KnownVaultKeys } from './known-keys.ts';
import { toVaultRows } from './to-vault-rows.ts';
import { loadVault } from './vault-loader.ts';

/** Record source of every vault row: the data came from the stg layer. */
export const DDS_LOAD_SRC = 'stg_service';

/**
 * dds: files each enriched order into the Data Vault and forwards CLOSED orders to cdm. Each stage
 * instance remembers the hub and link keys it saw committed and does not send them again.
 */
export function createDdsStage(known = new KnownVaultKeys()): StageDefinition<EnrichedOrder> {
  return {
    name: 'dds',
    contract: enrichedOrderContract,
    async write(db, orders, { loadDt, afterCommit }) {
      const rows = known.withoutKnown(toVaultRows(orders, DDS_LOAD_SRC));
      await loadVault(db, rows, loadDt);
      afterCommit?.(() => known.remember(rows));
      return closedOrderMessages(orders);
    },
  };
}

/** A dds stage for tests that write batches directly (no runner, so nothing is remembered). */
export const ddsStage = createDdsStage();
