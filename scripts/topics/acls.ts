// What each service may do on a Kafka cluster with an authorizer, and nothing more: `npm run topics
// -- --acls` creates the pipeline's topics as the admin running it, then these ACLs. Each consumer
// reads its input topic with its own group and writes its output and the dead letters; the source
// writes stg_service, and reads (DESCRIBE) the other topics and groups for the dashboard's figures.
// Every one may use an idempotent producer.
import kafkajs, { type AclEntry, type Admin } from 'kafkajs';

// Not among the names Node can import from kafkajs (CommonJS), only from its default export.
const { AclOperationTypes, AclPermissionTypes, AclResourceTypes, ResourcePatternTypes } = kafkajs;

export const SERVICES = ['source', 'stg', 'dds', 'cdm'] as const;
export type PipelineService = (typeof SERVICES)[number];

export interface PipelineTopics {
  stg: string;
  dds: string;
  cdm: string;
  deadLetters: string;
}

export interface PipelineAcl {
  service: PipelineService;
  resource: 'topic' | 'group' | 'cluster';
  name: string;
  operation: 'READ' | 'WRITE' | 'DESCRIBE' | 'IDEMPOTENT_WRITE';
}

/** The one name Kafka gives the cluster resource. */
const CLUSTER = 'kafka-cluster';

const topic = (service: PipelineService, name: string, ...operations: PipelineAcl['operation'][]): PipelineAcl[] =>
  operations.map((operation) => ({ service, resource: 'topic', name, operation }));
const group = (service: PipelineService, name: string, ...operations: PipelineAcl['operation'][]): PipelineAcl[] =>
  operations.map((operation) => ({ service, resource: 'group', name, operation }));

/** Every ACL the pipeline needs; groups are named as consumerGroupId names them (`<service>-service`). */
export function pipelineAcls(topics: PipelineTopics): PipelineAcl[] {
  // Every service produces with an idempotent producer: Kafka 3.9 asks kafkajs's InitProducerId
  // (version 1) for IDEMPOTENT_WRITE on the cluster, WRITE on a topic is not enough.
  const idempotent = (service: PipelineService): PipelineAcl[] => [{ service, resource: 'cluster', name: CLUSTER, operation: 'IDEMPOTENT_WRITE' }];
  const consumer = (service: 'stg' | 'dds' | 'cdm', input: string, outputs: string[]) => [
    ...idempotent(service),
    ...topic(service, input, 'READ', 'DESCRIBE'),
    ...group(service, `${service}-service`, 'READ', 'DESCRIBE'),
    ...outputs.flatMap((output) => topic(service, output, 'WRITE', 'DESCRIBE')),
  ];
  return [
    ...idempotent('source'),
    ...topic('source', topics.stg, 'WRITE', 'DESCRIBE'),
    // The dashboard: end offsets of every topic and the committed offsets of every group.
    ...[topics.dds, topics.cdm].flatMap((name) => topic('source', name, 'DESCRIBE')),
    ...(['stg', 'dds', 'cdm'] as const).flatMap((service) => group('source', `${service}-service`, 'DESCRIBE')),
    ...consumer('stg', topics.stg, [topics.dds, topics.deadLetters]),
    ...consumer('dds', topics.dds, [topics.cdm, topics.deadLetters]),
    ...consumer('cdm', topics.cdm, [topics.deadLetters]),
  ];
}

/** kafkajs's form of an ACL for the service's Kafka user: allowed, from any host, on this exact name. */
export function toAclEntry(acl: PipelineAcl, users: Record<PipelineService, string>): AclEntry {
  return {
    resourceType: { topic: AclResourceTypes.TOPIC, group: AclResourceTypes.GROUP, cluster: AclResourceTypes.CLUSTER }[acl.resource],
    resourceName: acl.name,
    resourcePatternType: ResourcePatternTypes.LITERAL,
    principal: `User:${users[acl.service]}`,
    host: '*',
    operation: AclOperationTypes[acl.operation],
    permissionType: AclPermissionTypes.ALLOW,
  };
}

/** Creates the ACLs (Kafka keeps one copy of each, so running it again changes nothing). */
export async function applyPipelineAcls(admin: Admin, acls: PipelineAcl[], users: Record<PipelineService, string>): Promise<void> {
  await admin.createAcls({ acl: acls.map((acl) => toAclEntry(acl, users)) });
}

/** One line per user: what it may do where. */
export function formatAcls(acls: PipelineAcl[], users: Record<PipelineService, string>): string {
  return SERVICES.map((service) => {
    const mine = acls.filter((acl) => acl.service === service);
    const grouped = new Map<string, string[]>();
    for (const acl of mine) {
      const key = `${acl.resource} ${acl.name}`;
      grouped.set(key, [...(grouped.get(key) ?? []), acl.operation]);
    }
    const rights = [...grouped].map(([where, operations]) => `${operations.join('+')} ${where}`).join(', ');
    return `User:${users[service]} (${service}): ${rights}`;
  }).join('\n');
}
