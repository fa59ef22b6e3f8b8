import { runStageMain } from '@orders-dwh/shared/service';
import { stgMain } from './stg-main.ts';

await runStageMain(stgMain);
