import { runStageMain } from '../../shared/src/service/run-stage-main.ts';
import { cdmStage } from './cdm-stage.ts';

await runStageMain({
  name: 'cdm',
  usesRedis: false,
  port: (config) => config.ports.cdm,
  topics: (config) => ({ input: config.topics.cdm, output: null }),
  createStage: () => cdmStage,
});
