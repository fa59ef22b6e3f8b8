/**
 * Request and response headers.
 *
 * Request Header v1 => request_api_key request_api_version correlation_id client_id
 *   request_api_key => INT16
 *   request_api_version => INT16
 *   correlation_id => INT32
 *   client_id => NULLABLE_STRING
 *
 * Request Header v2 => request_api_key request_api_version correlation_id client_id TAG_BUFFER
 *   (client_id stays a NULLABLE_STRING, not a compact one)
 *
 * Response Header v0 => correlation_id
 *   correlation_id => INT32
 * Response Header v1 => correlation_id TAG_BUFFER
 *
 * Flexible versions of an API use request header v2 and response header v1, except ApiVersions,
 * whose response header is always v0 (a client must read it before knowing what we support).
 */
import { ApiKey, isFlexibleVersion } from './api-keys.ts';
import { Reader } from './codec.ts';

export interface RequestHeaderPrefix {
  apiKey: number;
  apiVersion: number;
  correlationId: number;
}

export interface RequestHeader extends RequestHeaderPrefix {
  clientId: string | null;
}

export interface DecodedRequest extends RequestHeader {
  /** Reader positioned at the first byte of the request body. */
  body: Reader;
}

const PREFIX_BYTES = 8;

/** 2 when the request uses the flexible header (tagged fields), 1 otherwise. */
export function requestHeaderVersion(apiKey: number, apiVersion: number): 1 | 2 {
  return isFlexibleVersion(apiKey, apiVersion) ? 2 : 1;
}

/** 1 when the response header carries tagged fields, 0 otherwise. */
export function responseHeaderVersion(apiKey: number, apiVersion: number): 0 | 1 {
  return apiKey !== ApiKey.ApiVersions && isFlexibleVersion(apiKey, apiVersion) ? 1 : 0;
}

/**
 * Reads only the fixed first 8 bytes, so the server can still answer (or log) a request whose
 * client id or body is garbage. Null when the frame is too short to hold them.
 */
export function peekRequestHeader(frame: Buffer): RequestHeaderPrefix | null {
  if (frame.length < PREFIX_BYTES) return null;
  return {
    apiKey: frame.readInt16BE(0),
    apiVersion: frame.readInt16BE(2),
    correlationId: frame.readInt32BE(4),
  };
}

/** Decodes a request frame given WITHOUT its 4-byte size prefix. Throws ProtocolDecodeError. */
export function decodeRequestHeader(frame: Buffer): DecodedRequest {
  const r = new Reader(frame);
  const apiKey = r.int16();
  const apiVersion = r.int16();
  const correlationId = r.int32();
  const clientId = r.nullableString();
  if (requestHeaderVersion(apiKey, apiVersion) === 2) r.skipTaggedFields();
  return { apiKey, apiVersion, correlationId, clientId, body: new Reader(frame, r.position) };
}

/**
 * What precedes a response body on the wire: int32 frame size, then the response header
 * (correlation id, and for v1 an empty tag buffer). Written separately from the body, so a large
 * body (a fetch) is not copied once more.
 */
export function encodeResponsePrefix(correlationId: number, bodyLength: number, headerVersion: 0 | 1 = 0): Buffer {
  const headerBytes = headerVersion === 1 ? 5 : 4;
  const prefix = Buffer.allocUnsafe(4 + headerBytes);
  prefix.writeInt32BE(headerBytes + bodyLength, 0);
  prefix.writeInt32BE(correlationId, 4);
  if (headerVersion === 1) prefix[8] = 0; // no tagged fields
  return prefix;
}

/** A whole response frame in one buffer: the prefix above, then the body. */
export function encodeResponseFrame(correlationId: number, body: Buffer, headerVersion: 0 | 1 = 0): Buffer {
  return Buffer.concat([encodeResponsePrefix(correlationId, body.length, headerVersion), body]);
}
