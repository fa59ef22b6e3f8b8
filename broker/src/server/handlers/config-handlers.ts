// DescribeConfigs: the broker's and its topics' configs, answered per resource as Kafka does.
import {
  ConfigResourceType,
  type DescribeConfigsRequest,
  type DescribeConfigsResource,
  type DescribeConfigsResponse,
  type DescribeConfigsResult,
  type DescribedConfig,
} from '../../protocol/apis/describe-configs.ts';
import { ErrorCode } from '../../protocol/error-codes.ts';
import { isValidTopicName } from '../../storage/topic-name.ts';
import type { BrokerContext } from '../broker-context.ts';
import { brokerConfigDefinitions, describeBrokerConfig, describeTopicConfig, topicConfigDefinitions, type DescribeOptions } from '../broker-configs.ts';

function failed(resource: DescribeConfigsResource, errorCode: number, errorMessage: string): DescribeConfigsResult {
  return { errorCode, errorMessage, resourceType: resource.resourceType, resourceName: resource.resourceName, configs: [] };
}

function described(resource: DescribeConfigsResource, configs: DescribedConfig[]): DescribeConfigsResult {
  const wanted = resource.configurationKeys === null ? null : new Set(resource.configurationKeys);
  return {
    errorCode: ErrorCode.NONE,
    errorMessage: null,
    resourceType: resource.resourceType,
    resourceName: resource.resourceName,
    configs: wanted === null ? configs : configs.filter((config) => wanted.has(config.name)),
  };
}

function describeTopic(ctx: BrokerContext, resource: DescribeConfigsResource, options: DescribeOptions): DescribeConfigsResult {
  const topic = resource.resourceName;
  if (!isValidTopicName(topic)) return failed(resource, ErrorCode.INVALID_TOPIC_EXCEPTION, `Topic name "${topic}" is illegal.`);
  if (!ctx.topics.get(topic)) return failed(resource, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `The topic '${topic}' does not exist.`);
  return described(
    resource,
    topicConfigDefinitions(ctx.settings).map((definition) => describeTopicConfig(definition, options)),
  );
}

function describeBroker(ctx: BrokerContext, resource: DescribeConfigsResource, options: DescribeOptions): DescribeConfigsResult {
  const name = resource.resourceName;
  // An empty name asks for the cluster-wide dynamic defaults, of which this broker has none.
  if (name === '') return described(resource, []);
  if (!/^-?\d+$/.test(name)) return failed(resource, ErrorCode.INVALID_REQUEST, `Broker id must be an integer, but it is: ${name}`);
  if (Number(name) !== ctx.nodeId) {
    return failed(resource, ErrorCode.INVALID_REQUEST, `Unexpected broker id, expected ${ctx.nodeId} or empty string, but received ${name}`);
  }
  const node = { nodeId: ctx.nodeId, advertisedHost: ctx.advertisedHost, port: ctx.advertisedPort };
  return described(
    resource,
    brokerConfigDefinitions(ctx.settings, node).map((definition) => describeBrokerConfig(definition, options)),
  );
}

export function describeConfigs(ctx: BrokerContext, req: DescribeConfigsRequest): DescribeConfigsResponse {
  const options = { includeSynonyms: req.includeSynonyms, includeDocumentation: req.includeDocumentation };
  return {
    throttleTimeMs: 0,
    results: req.resources.map((resource) => {
      switch (resource.resourceType) {
        case ConfigResourceType.Topic:
          return describeTopic(ctx, resource, options);
        case ConfigResourceType.Broker:
          return describeBroker(ctx, resource, options);
        default:
          // Broker loggers included: the development broker has no log4j loggers to describe.
          return failed(resource, ErrorCode.INVALID_REQUEST, `Unsupported resource type: ${resource.resourceType}`);
      }
    }),
  };
}
