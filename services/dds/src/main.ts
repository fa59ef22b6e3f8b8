import { runStageMain } from '../../shared/src/service/run-stage-main.ts';
import { ddsMain } from './dds-main.ts';

await runStageMain(ddsMain);
