import {
  API_CODECS,
  ApiKey,
  ProtocolDecodeError,
  apiName,
  decodeRequestHeader,
  encodeResponsePrefix,
  encodeUnsupportedApiVersionsResponse,
  isVersionSupported,
  peekRequestHeader,
  responseHeaderVersion,
  type ApiCodec,
} from '../protocol/index.ts';
import type { BrokerContext, RequestClient } from './broker-context.ts';
import type { ClientInfo, RequestDispatcher } from './connection.ts';
import { apiVersions, describeCluster, findCoordinator, metadata } from './handlers/cluster-handlers.ts';
import { describeConfigs } from './handlers/config-handlers.ts';
import { describeGroups, heartbeat, joinGroup, leaveGroup, listGroups, offsetCommit, offsetFetch, syncGroup } from './handlers/group-handlers.ts';
import { fetch, listOffsets, produce } from './handlers/log-handlers.ts';
import { initProducerId } from './handlers/producer-handlers.ts';
import { createTopics, deleteTopics } from './handlers/topic-handlers.ts';

type Codecs = typeof API_CODECS;
type RequestOf<K extends ApiKey> = ReturnType<Codecs[K]['decodeRequest']>;
type ResponseOf<K extends ApiKey> = ReturnType<Codecs[K]['errorResponse']>;
type Handler<K extends ApiKey> = (
  ctx: BrokerContext,
  version: number,
  req: RequestOf<K>,
  client: RequestClient,
) => ResponseOf<K> | null | Promise<ResponseOf<K> | null>;

/** Which function serves each API. A null answer means "send nothing" (Produce with acks=0). */
const HANDLERS: { [K in ApiKey]: Handler<K> } = {
  [ApiKey.Produce]: (ctx, _v, req) => produce(ctx, req),
  [ApiKey.Fetch]: (ctx, _v, req, client) => fetch(ctx, req, client.signal),
  [ApiKey.ListOffsets]: (ctx, _v, req) => listOffsets(ctx, req),
  [ApiKey.Metadata]: (ctx, v, req) => metadata(ctx, v, req),
  [ApiKey.OffsetCommit]: (ctx, v, req) => offsetCommit(ctx, v, req),
  [ApiKey.OffsetFetch]: (ctx, v, req) => offsetFetch(ctx, v, req),
  [ApiKey.FindCoordinator]: (ctx, _v, req) => findCoordinator(ctx, req),
  [ApiKey.JoinGroup]: (ctx, v, req, client) => joinGroup(ctx, v, req, client),
  [ApiKey.Heartbeat]: (ctx, v, req) => heartbeat(ctx, v, req),
  [ApiKey.LeaveGroup]: (ctx, v, req) => leaveGroup(ctx, v, req),
  [ApiKey.SyncGroup]: (ctx, v, req) => syncGroup(ctx, v, req),
  [ApiKey.DescribeGroups]: (ctx, _v, req) => describeGroups(ctx, req),
  [ApiKey.ListGroups]: (ctx, _v, req) => listGroups(ctx, req),
  [ApiKey.ApiVersions]: () => apiVersions(),
  [ApiKey.CreateTopics]: (ctx, _v, req) => createTopics(ctx, req),
  [ApiKey.DeleteTopics]: (ctx, _v, req) => deleteTopics(ctx, req),
  [ApiKey.InitProducerId]: (ctx, _v, req) => initProducerId(ctx, req),
  [ApiKey.DescribeConfigs]: (ctx, _v, req) => describeConfigs(ctx, req),
  [ApiKey.DescribeCluster]: (ctx, _v, req) => describeCluster(ctx, req),
};

/**
 * Decodes a request, runs its handler and encodes the answer. An ApiVersions request of an unknown
 * version gets the v0 error answer clients expect; any other unknown API or version, or a body that
 * does not decode, closes the connection (thrown), as Kafka does. A handler that throws is answered
 * with UNKNOWN_SERVER_ERROR for that request only. The version is checked before the rest of the
 * header is read: whether the header is flexible depends on it.
 */
export function createDispatcher(ctx: BrokerContext): RequestDispatcher {
  return async (frame: Buffer, info: ClientInfo) => {
    const prefix = peekRequestHeader(frame);
    if (!prefix) throw new ProtocolDecodeError(`a frame of ${frame.length} bytes cannot hold a request header`);
    const { apiKey, apiVersion, correlationId } = prefix;
    if (apiKey === ApiKey.ApiVersions && !isVersionSupported(apiKey, apiVersion)) {
      return responseFrame(correlationId, encodeUnsupportedApiVersionsResponse());
    }
    const codec = (API_CODECS as Record<number, ApiCodec<unknown, unknown> | undefined>)[apiKey];
    if (!codec) throw new Error(`unsupported API key ${apiKey}`);
    if (!isVersionSupported(apiKey, apiVersion)) throw new Error(`unsupported ${apiName(apiKey)} version ${apiVersion}`);
    const header = decodeRequestHeader(frame);
    const request = codec.decodeRequest(apiVersion, header.body);
    const handler = HANDLERS[apiKey as ApiKey] as Handler<ApiKey>;
    const client: RequestClient = { clientId: header.clientId ?? '', clientHost: kafkaClientHost(info.remoteAddress), signal: info.signal };
    let response: unknown;
    try {
      response = await handler(ctx, apiVersion, request as never, client);
    } catch (error) {
      ctx.log.warn(`${codec.name} v${apiVersion} from ${client.clientId} failed: ${(error as Error).stack ?? error}`);
      response = codec.errorResponse(apiVersion, request, -1);
    }
    if (response === null) return null;
    return responseFrame(correlationId, codec.encodeResponse(apiVersion, response), responseHeaderVersion(apiKey, apiVersion));
  };
}

/**
 * A client address as Kafka shows it (Java's InetAddress.toString() of an address without a host
 * name): "/127.0.0.1", IPv4-mapped IPv6 addresses as plain IPv4.
 */
export function kafkaClientHost(remoteAddress: string): string {
  return `/${remoteAddress.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '')}`;
}

function responseFrame(correlationId: number, body: Buffer, headerVersion: 0 | 1 = 0): Buffer[] {
  return [encodeResponsePrefix(correlationId, body.length, headerVersion), body];
}
