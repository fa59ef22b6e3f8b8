import type { StageMain } from '../../shared/src/service/run-stage-main.ts';
import type { ClosedOrder } from '../../shared/src/contracts/index.ts';
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
