// Reading Compose files and merging an override over a base the way `docker compose -f base -f
// override` does, for the tests that check a stack variant without Docker.
import { readFileSync } from 'node:fs';
import { parseDocument, type ScalarTag, type CollectionTag, visit, YAMLSeq } from 'yaml';

/** Stands for a value tagged `!override` (it replaces the base's instead of merging with it). */
const OVERRIDE = '__compose_override__';
const REPLACED = new Set(['command', 'entrypoint', 'test']);

const overrideSeq: CollectionTag = { tag: '!override', collection: 'seq', nodeClass: YAMLSeq, resolve: (seq) => seq };
const resetScalar: ScalarTag = { tag: '!reset', resolve: () => null };

/** A Compose file as YAML, with its merge keys (`<<`) resolved and `!override` lists kept apart for merge(). */
export function readComposeFile(file: string): Record<string, unknown> {
  const doc = parseDocument(readFileSync(file, 'utf8'), { merge: true, customTags: [overrideSeq, resetScalar] });
  visit(doc, {
    Seq(_, node) {
      if (node.tag === '!override') return doc.createNode({ [OVERRIDE]: node.toJSON() });
    },
  });
  return doc.toJS() as Record<string, unknown>;
}

const isMap = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * Compose's merge of an override: maps merged key by key; command, entrypoint and healthcheck test
 * replaced; other lists joined; a list tagged `!override` replacing the base's.
 */
export function mergeCompose(base: unknown, override: unknown, key = ''): unknown {
  if (isMap(override) && OVERRIDE in override) return override[OVERRIDE];
  if (Array.isArray(base) && Array.isArray(override)) return REPLACED.has(key) ? override : [...new Set([...base, ...override])];
  if (isMap(base) && isMap(override)) {
    const merged: Record<string, unknown> = { ...base };
    for (const [k, v] of Object.entries(override)) merged[k] = k in merged ? mergeCompose(merged[k], v, k) : mergeCompose(undefined, v, k);
    return merged;
  }
  return override;
}
