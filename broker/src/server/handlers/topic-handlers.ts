// CreateTopics, DeleteTopics.
import type { CreateTopicsRequest, CreateTopicsResponse } from '../../protocol/apis/create-topics.ts';
import type { DeleteTopicsRequest, DeleteTopicsResponse } from '../../protocol/apis/delete-topics.ts';
import { ErrorCode } from '../../protocol/error-codes.ts';
import { isValidTopicName } from '../../storage/topic-name.ts';
import type { BrokerContext } from '../broker-context.ts';

function createOne(
  ctx: BrokerContext,
  name: string,
  numPartitions: number,
  replicationFactor: number,
  assignmentCount: number,
  validateOnly: boolean,
): { errorCode: number; errorMessage: string | null } {
  if (replicationFactor !== -1 && replicationFactor !== 1) {
    return { errorCode: ErrorCode.INVALID_REPLICATION_FACTOR, errorMessage: `replication factor ${replicationFactor} is larger than the 1 broker available` };
  }
  const partitions = assignmentCount > 0 ? assignmentCount : numPartitions;
  if (partitions === 0 || partitions < -1)
    return { errorCode: ErrorCode.INVALID_PARTITIONS, errorMessage: `number of partitions must be positive, got ${partitions}` };
  if (validateOnly) {
    if (!isValidTopicName(name)) return { errorCode: ErrorCode.INVALID_TOPIC_EXCEPTION, errorMessage: `invalid topic name "${name}"` };
    if (ctx.topics.get(name)) return { errorCode: ErrorCode.TOPIC_ALREADY_EXISTS, errorMessage: `topic "${name}" already exists` };
    return { errorCode: ErrorCode.NONE, errorMessage: null };
  }
  const errorCode = ctx.topics.create(name, partitions);
  const messages: Record<number, string> = {
    [ErrorCode.TOPIC_ALREADY_EXISTS]: `topic "${name}" already exists`,
    [ErrorCode.INVALID_TOPIC_EXCEPTION]: `invalid topic name "${name}"`,
    [ErrorCode.INVALID_PARTITIONS]: `invalid number of partitions ${partitions}`,
  };
  if (errorCode === ErrorCode.NONE) ctx.log.info(`created topic ${name} with ${ctx.topics.get(name)?.partitions.length} partitions`);
  return { errorCode, errorMessage: errorCode === ErrorCode.NONE ? null : (messages[errorCode] ?? null) };
}

export function createTopics(ctx: BrokerContext, req: CreateTopicsRequest): CreateTopicsResponse {
  const seen = new Map<string, number>();
  for (const { name } of req.topics) seen.set(name, (seen.get(name) ?? 0) + 1);
  return {
    throttleTimeMs: 0,
    topics: req.topics.map(({ name, numPartitions, replicationFactor, assignments }) =>
      seen.get(name)! > 1
        ? { name, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: `topic "${name}" appears more than once in the request` }
        : { name, ...createOne(ctx, name, numPartitions, replicationFactor, assignments.length, req.validateOnly) },
    ),
  };
}

export function deleteTopics(ctx: BrokerContext, req: DeleteTopicsRequest): DeleteTopicsResponse {
  return {
    throttleTimeMs: 0,
    responses: req.topicNames.map((name) => {
      const errorCode = ctx.topics.delete(name);
      if (errorCode === ErrorCode.NONE) {
        ctx.offsets.deleteTopic(name);
        ctx.log.info(`deleted topic ${name}`);
      }
      return { name, errorCode };
    }),
  };
}
