/**
 * DescribeConfigs (key 32), versions 0–4 (4 is flexible).
 *
 * DescribeConfigs Request (Version: 0) => [resources]
 *   resources => resource_type resource_name [configuration_keys]
 *     resource_type => INT8 (2 topic, 4 broker, 8 broker logger)
 *     resource_name => STRING
 *     configuration_keys => STRING (nullable array: null asks for every config)
 * DescribeConfigs Request (Version: 1–2) => [resources] include_synonyms
 *   include_synonyms => BOOLEAN
 * DescribeConfigs Request (Version: 3) => [resources] include_synonyms include_documentation
 *   include_documentation => BOOLEAN
 * DescribeConfigs Request (Version: 4) => same as v3, compact strings and arrays, TAG_BUFFER
 *   after each resource and at the end
 *
 * DescribeConfigs Response (Version: 0) => throttle_time_ms [results]
 *   throttle_time_ms => INT32
 *   results => error_code error_message resource_type resource_name [configs]
 *     error_code => INT16
 *     error_message => NULLABLE_STRING
 *     resource_type => INT8
 *     resource_name => STRING
 *     configs => name value read_only is_default is_sensitive
 *       name => STRING
 *       value => NULLABLE_STRING
 *       read_only => BOOLEAN
 *       is_default => BOOLEAN
 *       is_sensitive => BOOLEAN
 * DescribeConfigs Response (Version: 1–2) => configs lose is_default and become
 *     name value read_only config_source is_sensitive [synonyms]
 *       config_source => INT8 (4 static broker config, 5 default, ...)
 *       synonyms => name value source (STRING, NULLABLE_STRING, INT8)
 * DescribeConfigs Response (Version: 3) => each config ends with config_type documentation
 *       config_type => INT8 (1 boolean, 2 string, 3 int, 5 long, 7 list, ...)
 *       documentation => NULLABLE_STRING
 * DescribeConfigs Response (Version: 4) => same as v3, compact, TAG_BUFFER after each synonym,
 *   config, result and at the end
 */
import { Writer, type Reader } from '../codec.ts';

export const ConfigResourceType = { Topic: 2, Broker: 4, BrokerLogger: 8 } as const;

/** Kafka's ConfigSource codes. */
export const ConfigSource = { StaticBrokerConfig: 4, DefaultConfig: 5 } as const;

/** Kafka's ConfigType codes. */
export const ConfigType = { Boolean: 1, String: 2, Int: 3, Short: 4, Long: 5, List: 7 } as const;

const FIRST_FLEXIBLE_VERSION = 4;

export interface DescribeConfigsResource {
  resourceType: number;
  resourceName: string;
  /** null: every config of the resource. */
  configurationKeys: string[] | null;
}

export interface DescribeConfigsRequest {
  resources: DescribeConfigsResource[];
  /** v1+; false below. */
  includeSynonyms: boolean;
  /** v3+; false below. */
  includeDocumentation: boolean;
}

export interface ConfigSynonym {
  name: string;
  value: string | null;
  source: number;
}

export interface DescribedConfig {
  name: string;
  value: string | null;
  readOnly: boolean;
  /** Written as is_default (source is DefaultConfig) in v0, as config_source from v1. */
  source: number;
  isSensitive: boolean;
  /** v1+. */
  synonyms: ConfigSynonym[];
  /** v3+. */
  configType: number;
  /** v3+. */
  documentation: string | null;
}

export interface DescribeConfigsResult {
  errorCode: number;
  errorMessage: string | null;
  resourceType: number;
  resourceName: string;
  configs: DescribedConfig[];
}

export interface DescribeConfigsResponse {
  throttleTimeMs: number;
  results: DescribeConfigsResult[];
}

export function decodeDescribeConfigsRequest(version: number, r: Reader): DescribeConfigsRequest {
  const flexible = version >= FIRST_FLEXIBLE_VERSION;
  const readResource = (r: Reader): DescribeConfigsResource => {
    const resourceType = r.int8();
    const resourceName = flexible ? r.compactString() : r.string();
    const configurationKeys = flexible ? r.compactArray((r) => r.compactString()) : r.array((r) => r.string());
    if (flexible) r.skipTaggedFields();
    return { resourceType, resourceName, configurationKeys };
  };
  const resources = flexible ? r.compactArray(readResource) : r.array(readResource);
  const includeSynonyms = version >= 1 ? r.boolean() : false;
  const includeDocumentation = version >= 3 ? r.boolean() : false;
  if (flexible) r.skipTaggedFields();
  return { resources: resources ?? [], includeSynonyms, includeDocumentation };
}

export function encodeDescribeConfigsResponse(version: number, res: DescribeConfigsResponse): Buffer {
  const flexible = version >= FIRST_FLEXIBLE_VERSION;
  const w = new Writer(1024);
  const string = (value: string) => (flexible ? w.compactString(value) : w.string(value));
  const nullableString = (value: string | null) => (flexible ? w.compactNullableString(value) : w.nullableString(value));
  const array = <T>(items: readonly T[], writeItem: (item: T) => void) => {
    const write = (_w: Writer, item: T) => {
      writeItem(item);
      if (flexible) w.emptyTaggedFields();
    };
    if (flexible) w.compactArray(items, write);
    else w.array(items, write);
  };

  w.int32(res.throttleTimeMs);
  array(res.results, (result) => {
    w.int16(result.errorCode);
    nullableString(result.errorMessage);
    w.int8(result.resourceType);
    string(result.resourceName);
    array(result.configs, (config) => {
      string(config.name);
      nullableString(config.value);
      w.boolean(config.readOnly);
      if (version === 0) w.boolean(config.source === ConfigSource.DefaultConfig);
      else w.int8(config.source);
      w.boolean(config.isSensitive);
      if (version >= 1) {
        array(config.synonyms, (synonym) => {
          string(synonym.name);
          nullableString(synonym.value);
          w.int8(synonym.source);
        });
      }
      if (version >= 3) {
        w.int8(config.configType);
        nullableString(config.documentation);
      }
    });
  });
  if (flexible) w.emptyTaggedFields();
  return w.toBuffer();
}

export function describeConfigsErrorResponse(_version: number, req: DescribeConfigsRequest, errorCode: number): DescribeConfigsResponse {
  return {
    throttleTimeMs: 0,
    results: req.resources.map((resource) => ({
      errorCode,
      errorMessage: null,
      resourceType: resource.resourceType,
      resourceName: resource.resourceName,
      configs: [],
    })),
  };
}
