import { runStageMain } from '../../shared/src/service/run-stage-main.ts';
import { createDdsStage } from './dds-stage.ts';

await runStageMain({
  name: 'dds',
  usesRedis: false,
  port: (config) => config.ports.dds,
  topics: (config) => ({ input: config.topics.dds, output: config.topics.cdm }),
  createStage: () => createDdsStage(),
});
