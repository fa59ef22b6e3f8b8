/** The APIs the broker speaks, and exactly which versions of each it accepts. */

export const ApiKey = {
  Produce: 0,
  Fetch: 1,
  ListOffsets: 2,
  Metadata: 3,
  OffsetCommit: 8,
  OffsetFetch: 9,
  FindCoordinator: 10,
  JoinGroup: 11,
  Heartbeat: 12,
  LeaveGroup: 13,
  SyncGroup: 14,
  DescribeGroups: 15,
  ListGroups: 16,
  ApiVersions: 18,
  CreateTopics: 19,
  DeleteTopics: 20,
  InitProducerId: 22,
  DescribeConfigs: 32,
  DescribeCluster: 60,
} as const;

export type ApiKey = (typeof ApiKey)[keyof typeof ApiKey];
export type ApiName = keyof typeof ApiKey;

export interface VersionRange {
  readonly min: number;
  readonly max: number;
}

/**
 * The APIs kafkajs and librdkafka use stay below their first flexible version; the flexible
 * versions advertised (ApiVersions 3, ListGroups 3–5, DescribeConfigs 4, DescribeCluster 0–1) are
 * implemented with compact encodings and tagged fields. Minimums stay at or below the versions
 * librdkafka probes for features (Produce 3, Fetch 4, ListOffsets 1, FindCoordinator 0,
 * InitProducerId 0); see /work/shared/kafka-protocol-notes.md.
 */
export const SUPPORTED_VERSIONS: Readonly<Record<ApiKey, VersionRange>> = {
  [ApiKey.Produce]: { min: 3, max: 7 },
  [ApiKey.Fetch]: { min: 4, max: 11 },
  [ApiKey.ListOffsets]: { min: 1, max: 3 },
  [ApiKey.Metadata]: { min: 1, max: 6 },
  [ApiKey.OffsetCommit]: { min: 2, max: 5 },
  [ApiKey.OffsetFetch]: { min: 1, max: 4 },
  [ApiKey.FindCoordinator]: { min: 0, max: 2 },
  [ApiKey.JoinGroup]: { min: 0, max: 5 },
  [ApiKey.Heartbeat]: { min: 0, max: 3 },
  [ApiKey.LeaveGroup]: { min: 0, max: 3 },
  [ApiKey.SyncGroup]: { min: 0, max: 3 },
  [ApiKey.DescribeGroups]: { min: 0, max: 2 },
  [ApiKey.ListGroups]: { min: 0, max: 5 },
  [ApiKey.ApiVersions]: { min: 0, max: 3 },
  [ApiKey.CreateTopics]: { min: 0, max: 3 },
  [ApiKey.DeleteTopics]: { min: 0, max: 1 },
  [ApiKey.InitProducerId]: { min: 0, max: 1 },
  [ApiKey.DescribeConfigs]: { min: 0, max: 4 },
  [ApiKey.DescribeCluster]: { min: 0, max: 1 },
};

/**
 * Kafka's first flexible version of each API (compact strings and arrays, tagged fields, request
 * header v2 and, except for ApiVersions, response header v1), whether or not it is advertised.
 */
export const FIRST_FLEXIBLE_VERSION: Readonly<Record<ApiKey, number>> = {
  [ApiKey.Produce]: 9,
  [ApiKey.Fetch]: 12,
  [ApiKey.ListOffsets]: 6,
  [ApiKey.Metadata]: 9,
  [ApiKey.OffsetCommit]: 8,
  [ApiKey.OffsetFetch]: 6,
  [ApiKey.FindCoordinator]: 3,
  [ApiKey.JoinGroup]: 6,
  [ApiKey.Heartbeat]: 4,
  [ApiKey.LeaveGroup]: 4,
  [ApiKey.SyncGroup]: 4,
  [ApiKey.DescribeGroups]: 5,
  [ApiKey.ListGroups]: 3,
  [ApiKey.ApiVersions]: 3,
  [ApiKey.CreateTopics]: 5,
  [ApiKey.DeleteTopics]: 4,
  [ApiKey.InitProducerId]: 2,
  [ApiKey.DescribeConfigs]: 4,
  [ApiKey.DescribeCluster]: 0,
};

/** Whether this version of the API uses the flexible encoding; false for an unknown API. */
export function isFlexibleVersion(apiKey: number, apiVersion: number): boolean {
  return isKnownApiKey(apiKey) && apiVersion >= FIRST_FLEXIBLE_VERSION[apiKey];
}

const NAMES_BY_KEY = new Map<number, ApiName>((Object.entries(ApiKey) as [ApiName, ApiKey][]).map(([name, key]) => [key, name]));

export function isKnownApiKey(apiKey: number): apiKey is ApiKey {
  return NAMES_BY_KEY.has(apiKey);
}

export function isVersionSupported(apiKey: number, apiVersion: number): boolean {
  if (!isKnownApiKey(apiKey)) return false;
  const range = SUPPORTED_VERSIONS[apiKey];
  return apiVersion >= range.min && apiVersion <= range.max;
}

/** The API's name, or `Unknown(<key>)` for a key the broker does not implement. */
export function apiName(apiKey: number): string {
  return NAMES_BY_KEY.get(apiKey) ?? `Unknown(${apiKey})`;
}

/** The ApiVersions response's list, ordered by key. */
export function supportedApiVersions(): { apiKey: ApiKey; minVersion: number; maxVersion: number }[] {
  return [...NAMES_BY_KEY.keys()]
    .sort((a, b) => a - b)
    .map((key) => {
      const apiKey = key as ApiKey;
      const range = SUPPORTED_VERSIONS[apiKey];
      return { apiKey, minVersion: range.min, maxVersion: range.max };
    });
}
