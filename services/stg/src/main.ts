import { runStageMain } from '../../shared/src/service/run-stage-main.ts';
import { stgMain } from './stg-main.ts';

await runStageMain(stgMain);
