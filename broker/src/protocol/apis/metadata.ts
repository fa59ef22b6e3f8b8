/**
 * Metadata (key 3), versions 1–6.
 *
 * Metadata Request (Version: 1–3) => [topics]
 *   topics => name
 *     name => STRING
 * Metadata Request (Version: 4–6) => [topics] allow_auto_topic_creation
 *   allow_auto_topic_creation => BOOLEAN
 *   (topics is nullable from v1: null means every topic, an empty array means none)
 *
 * Metadata Response (Version: 1) => [brokers] controller_id [topics]
 *   brokers => node_id host port rack
 *     node_id => INT32
 *     host => STRING
 *     port => INT32
 *     rack => NULLABLE_STRING
 *   controller_id => INT32
 *   topics => error_code name is_internal [partitions]
 *     error_code => INT16
 *     name => STRING
 *     is_internal => BOOLEAN
 *     partitions => error_code partition_index leader_id [replica_nodes] [isr_nodes]
 *       error_code => INT16
 *       partition_index => INT32
 *       leader_id => INT32
 *       replica_nodes => INT32
 *       isr_nodes => INT32
 * Metadata Response (Version: 2) => [brokers] cluster_id controller_id [topics]
 *   cluster_id => NULLABLE_STRING
 * Metadata Response (Version: 3–4) => throttle_time_ms [brokers] cluster_id controller_id [topics]
 *   throttle_time_ms => INT32
 * Metadata Response (Version: 5–6) => same, and each partition ends with [offline_replicas]
 *   offline_replicas => INT32
 */
import { Writer, type Reader } from '../codec.ts';

export interface MetadataRequestTopic {
  name: string;
}

export interface MetadataRequest {
  /** null: every topic; []: no topic (only brokers). */
  topics: MetadataRequestTopic[] | null;
  /** v4+; true below (those versions always allowed it). */
  allowAutoTopicCreation: boolean;
}

export interface MetadataResponseBroker {
  nodeId: number;
  host: string;
  port: number;
  rack: string | null;
}

export interface MetadataResponsePartition {
  errorCode: number;
  partitionIndex: number;
  leaderId: number;
  replicaNodes: number[];
  isrNodes: number[];
  /** v5+. */
  offlineReplicas: number[];
}

export interface MetadataResponseTopic {
  errorCode: number;
  name: string;
  isInternal: boolean;
  partitions: MetadataResponsePartition[];
}

export interface MetadataResponse {
  /** v3+. */
  throttleTimeMs: number;
  brokers: MetadataResponseBroker[];
  /** v2+. */
  clusterId: string | null;
  controllerId: number;
  topics: MetadataResponseTopic[];
}

export function decodeMetadataRequest(version: number, r: Reader): MetadataRequest {
  const topics = r.array((r) => ({ name: r.string() }));
  const allowAutoTopicCreation = version >= 4 ? r.boolean() : true;
  return { topics, allowAutoTopicCreation };
}

const writeInt32 = (w: Writer, n: number): void => {
  w.int32(n);
};

export function encodeMetadataResponse(version: number, res: MetadataResponse): Buffer {
  const w = new Writer(512);
  if (version >= 3) w.int32(res.throttleTimeMs);
  w.array(res.brokers, (w, b) => {
    w.int32(b.nodeId).string(b.host).int32(b.port).nullableString(b.rack);
  });
  if (version >= 2) w.nullableString(res.clusterId);
  w.int32(res.controllerId);
  w.array(res.topics, (w, t) => {
    w.int16(t.errorCode).string(t.name).boolean(t.isInternal);
    w.array(t.partitions, (w, p) => {
      w.int16(p.errorCode).int32(p.partitionIndex).int32(p.leaderId);
      w.array(p.replicaNodes, writeInt32);
      w.array(p.isrNodes, writeInt32);
      if (version >= 5) w.array(p.offlineReplicas, writeInt32);
    });
  });
  return w.toBuffer();
}

export function metadataErrorResponse(_version: number, req: MetadataRequest, errorCode: number): MetadataResponse {
  return {
    throttleTimeMs: 0,
    brokers: [],
    clusterId: null,
    controllerId: -1,
    topics: (req.topics ?? []).map((t) => ({ errorCode, name: t.name, isInternal: false, partitions: [] })),
  };
}
