/**
 * DescribeCluster (key 60), versions 0–1, flexible from v0.
 *
 * DescribeCluster Request (Version: 0) => include_cluster_authorized_operations TAG_BUFFER
 *   include_cluster_authorized_operations => BOOLEAN
 * DescribeCluster Request (Version: 1) => include_cluster_authorized_operations endpoint_type TAG_BUFFER
 *   endpoint_type => INT8 (1 brokers, 2 controllers)
 *
 * DescribeCluster Response (Version: 0) => throttle_time_ms error_code error_message cluster_id
 *                                          controller_id [brokers] cluster_authorized_operations TAG_BUFFER
 *   throttle_time_ms => INT32
 *   error_code => INT16
 *   error_message => COMPACT_NULLABLE_STRING
 *   cluster_id => COMPACT_STRING
 *   controller_id => INT32
 *   brokers => broker_id host port rack TAG_BUFFER (INT32, COMPACT_STRING, INT32, COMPACT_NULLABLE_STRING)
 *   cluster_authorized_operations => INT32 (-2^31: not reported)
 * DescribeCluster Response (Version: 1) => endpoint_type (INT8) after error_message
 */
import { Writer, type Reader } from '../codec.ts';

export const EndpointType = { Broker: 1, Controller: 2 } as const;

/** cluster_authorized_operations when they are not reported. */
export const AUTHORIZED_OPERATIONS_OMITTED = -2147483648;

export interface DescribeClusterRequest {
  includeClusterAuthorizedOperations: boolean;
  /** v1+; brokers below. */
  endpointType: number;
}

export interface DescribeClusterBroker {
  brokerId: number;
  host: string;
  port: number;
  rack: string | null;
}

export interface DescribeClusterResponse {
  throttleTimeMs: number;
  errorCode: number;
  errorMessage: string | null;
  /** v1+. */
  endpointType: number;
  clusterId: string;
  controllerId: number;
  brokers: DescribeClusterBroker[];
  clusterAuthorizedOperations: number;
}

export function decodeDescribeClusterRequest(version: number, r: Reader): DescribeClusterRequest {
  const includeClusterAuthorizedOperations = r.boolean();
  const endpointType = version >= 1 ? r.int8() : EndpointType.Broker;
  r.skipTaggedFields();
  return { includeClusterAuthorizedOperations, endpointType };
}

export function encodeDescribeClusterResponse(version: number, res: DescribeClusterResponse): Buffer {
  const w = new Writer(128);
  w.int32(res.throttleTimeMs).int16(res.errorCode).compactNullableString(res.errorMessage);
  if (version >= 1) w.int8(res.endpointType);
  w.compactString(res.clusterId).int32(res.controllerId);
  w.compactArray(res.brokers, (w, b) => {
    w.int32(b.brokerId).compactString(b.host).int32(b.port).compactNullableString(b.rack).emptyTaggedFields();
  });
  w.int32(res.clusterAuthorizedOperations).emptyTaggedFields();
  return w.toBuffer();
}

export function describeClusterErrorResponse(_version: number, req: DescribeClusterRequest, errorCode: number): DescribeClusterResponse {
  return {
    throttleTimeMs: 0,
    errorCode,
    errorMessage: null,
    endpointType: req.endpointType,
    clusterId: '',
    controllerId: -1,
    brokers: [],
    clusterAuthorizedOperations: AUTHORIZED_OPERATIONS_OMITTED,
  };
}
