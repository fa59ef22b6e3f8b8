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
 *
 * Only ApiVersions v3+ is flexible among the versions we accept, so only it uses header v2.
 * Its response header is always v0, so every response here uses header v0.
 */
import { ApiKey } from './api-keys.ts';
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
  return apiKey === ApiKey.ApiVersions && apiVersion >= 3 ? 2 : 1;
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
 * What precedes a response body on the wire: int32 frame size, then header v0 (correlation id).
 * Written separately from the body, so a large body (a fetch) is not copied once more.
 */
export function encodeResponsePrefix(correlationId: number, bodyLength: number): Buffer {
  const prefix = Buffer.allocUnsafe(8);
  prefix.writeInt32BE(4 + bodyLength, 0);
  prefix.writeInt32BE(correlationId, 4);
  return prefix;
}

/** A whole response frame in one buffer: the prefix above, then the body. */
export function encodeResponseFrame(correlationId: number, body: Buffer): Buffer {
  return Buffer.concat([encodeResponsePrefix(correlationId, body.length), body]);
}
