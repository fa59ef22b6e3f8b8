import { enrichedOrderContract, type EnrichedOrder } from '@orders-dwh/shared/contracts';
import type { StageDefinition } from '@orders-dwh/shared/stage';
import { closedOrderMessages } from './closed-order-message.ts';
import { checkProductCategories, productKeysOf, storedProductCategories } from './product-categories.ts';
import { toVaultRows } from './to-vault-rows.ts';
import { loadVault } from './vault-loader.ts';

/** Record source of every vault row: the data came from the stg layer. */
export const DDS_LOAD_SRC = 'stg_service';

/**
 * dds: files each enriched order into the Data Vault and forwards CLOSED orders to cdm; an order
 * that would give a product a second category is dead-lettered instead.
 */
export const ddsStage: StageDefinition<EnrichedOrder> = {
  name: 'dds',
  contract: enrichedOrderContract,
  async write(db, orders, { loadDt, reject }) {
    const productKeys = productKeysOf(orders);
    const { kept, refused } = checkProductCategories(orders, productKeys, await storedProductCategories(db, [...productKeys.values()]));
    for (const { order, reason } of refused) reject(order, reason);
    await loadVault(db, toVaultRows(kept, DDS_LOAD_SRC), loadDt);
    return closedOrderMessages(kept);
  },
};
