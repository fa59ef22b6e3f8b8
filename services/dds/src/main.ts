import { runStageMain } from '../../shared/src/service/run-stage-main.ts';
import { ddsStage } from './dds-stage.ts';

await runStageMain({
  name: 'dds',
  usesRedis: false,
  port: (config) => config.ports.dds,
  topics: (config) => ({ input: config.topics.dds, output: config.topics.cdm }),
  createStage: () => ddsStage,
});
