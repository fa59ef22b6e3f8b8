import { enrichedOrderContract, type EnrichedOrder } from '@orders-dwh/shared/contracts';
import type { StageDefinition } from '@orders-dwh/shared/stage';
import { closedOrderMessages } from './closed-order-message.ts';
import { toVaultRows } from './to-vault-rows.ts';
import { loadVault } from './vault-loader.ts';

/** Record source of every vault row: the data came from the stg layer. */
export const DDS_LOAD_SRC = 'stg_service';

/** dds: files each enriched order into the Data Vault and forwards CLOSED orders to cdm. */
export const ddsStage: StageDefinition<EnrichedOrder> = {
  name: 'dds',
  contract: enrichedOrderContract,
  async write(db, orders, { loadDt }) {
    await loadVault(db, toVaultRows(orders, DDS_LOAD_SRC), loadDt);
    return closedOrderMessages(orders);
  },
};
