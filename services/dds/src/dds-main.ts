import type { StageMain } from '@orders-dwh/shared/service';
import type { EnrichedOrder } from '@orders-dwh/shared/contracts';
import { ddsStage } from './dds-stage.ts';

/** dds: enriched orders from dds_service loaded into the Data Vault; CLOSED orders forwarded to cdm_service. */
export const ddsMain: StageMain<EnrichedOrder, EnrichedOrder> = {
  name: 'dds',
  usesRedis: false,
  port: (config) => config.ports.dds,
  topics: (config) => ({ input: config.topics.dds, output: config.topics.cdm }),
  createStage: () => ddsStage,
};
