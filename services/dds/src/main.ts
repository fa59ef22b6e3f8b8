import { runStageMain } from '@orders-dwh/shared/service';
import { ddsMain } from './dds-main.ts';

await runStageMain(ddsMain);
