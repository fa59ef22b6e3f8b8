// The three consuming services as their entry points define them, for in-process tests.
export { cdmMain } from '../../../services/cdm/src/cdm-main.ts';
export { ddsMain } from '../../../services/dds/src/dds-main.ts';
export { stgMain } from '../../../services/stg/src/stg-main.ts';
