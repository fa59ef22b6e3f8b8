import type { StageMain } from '../../shared/src/service/run-stage-main.ts';
import type { EnrichedOrder } from '../../shared/src/contracts/index.ts';
import { ddsStage } from './dds-stage.ts';

/** dds: enriched orders from dds_service loaded into the Data Vault; CLOSED orders forwarded to cdm_service. */
export const ddsMain: StageMain<EnrichedOrder, EnrichedOrder> = {
  name: 'dds',
  usesRedis: false,
  port: (config) => config.ports.dds,
  topics: (config) => ({ input: config.topics.dds, output: config.topics.cdm }),
  createStage: () => ddsStage,
};
