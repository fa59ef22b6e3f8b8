import { runStageMain } from '../../shared/src/service/run-stage-main.ts';
import { cdmMain } from './cdm-main.ts';

await runStageMain(cdmMain);
