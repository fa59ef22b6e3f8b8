import { runStageMain } from '@orders-dwh/shared/service';
import { cdmMain } from './cdm-main.ts';

await runStageMain(cdmMain);
