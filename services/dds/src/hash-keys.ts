import { parse, v5 } from 'uuid';

/** The project's uuid v5 namespace: every hash key of the vault is derived under it. */
export const VAULT_NAMESPACE = '6f1d2c4e-8a3b-5c7d-9e0f-1a2b3c4d5e6f';

/** Stands in for a missing value, so that (a, null) and (null, a) hash differently. */
export const NULL_MARKER = '^^';
/** Joins the parts of a composite hash input. */
export const PART_SEPARATOR = '||';

export type HashInput = string | number | null | undefined;

const namespaceBytes = parse(VAULT_NAMESPACE);

// Users, products, categories, names and their links recur in almost every batch: remembering
// recent hashes saves most of the hashing. Bounded by clearing when full.
const recentHashes = new Map<string, string>();
const recentHashesLimit = 100_000;

function uuidV5(name: string): string {
  let hash = recentHashes.get(name);
  if (hash === undefined) {
    hash = v5(name, namespaceBytes);
    if (recentHashes.size >= recentHashesLimit) recentHashes.clear();
    recentHashes.set(name, hash);
  }
  return hash;
}

/** Hash inputs are compared after trimming and upper-casing; null becomes NULL_MARKER. */
export function normaliseHashInput(value: HashInput): string {
  if (value === null || value === undefined) return NULL_MARKER;
  const text = String(value).trim();
  return text === '' ? NULL_MARKER : text.toUpperCase();
}

function hashParts(parts: readonly HashInput[]): string {
  return uuidV5(parts.map(normaliseHashInput).join(PART_SEPARATOR));
}

/** Hub hash key: uuid v5 over the normalised business key (its columns in model order). */
export function hubHashKey(...businessKey: HashInput[]): string {
  if (businessKey.length === 0 || businessKey.every((part) => normaliseHashInput(part) === NULL_MARKER)) {
    throw new TypeError('a hub hash key needs a non-empty business key');
  }
  return hashParts(businessKey);
}

/** Link hash key: uuid v5 over the hub keys it joins, in the link's fixed order. */
export function linkHashKey(...hubKeys: string[]): string {
  if (hubKeys.length < 2) throw new TypeError('a link joins at least two hub keys');
  return hashParts(hubKeys);
}

/** Satellite hashdiff: uuid v5 over the descriptive columns, in the satellite's fixed order. */
export function hashDiff(...descriptive: HashInput[]): string {
  return hashParts(descriptive);
}
