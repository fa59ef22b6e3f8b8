import type { StageMain } from '@orders-dwh/shared/service';
import type { ClosedOrder } from '@orders-dwh/shared/contracts';
import { readApiRoutes } from './api/read-api-routes.ts';
import { cdmStage } from './cdm-stage.ts';

/** cdm: CLOSED orders from cdm_service counted into the datamarts; serves the read API. */
export const cdmMain: StageMain<ClosedOrder, ClosedOrder> = {
  name: 'cdm',
  usesRedis: false,
  port: (config) => config.ports.cdm,
  topics: (config) => ({ input: config.topics.cdm, output: null }),
  createStage: () => cdmStage,
  routes: readApiRoutes,
};
