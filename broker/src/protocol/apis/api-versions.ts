/**
 * ApiVersions (key 18), versions 0–3.
 *
 * ApiVersions Request (Version: 0–2) => (empty)
 * ApiVersions Request (Version: 3) => client_software_name client_software_version TAG_BUFFER
 *   client_software_name => COMPACT_STRING
 *   client_software_version => COMPACT_STRING
 *
 * ApiVersions Response (Version: 0) => error_code [api_keys]
 *   error_code => INT16
 *   api_keys => api_key min_version max_version
 *     api_key => INT16
 *     min_version => INT16
 *     max_version => INT16
 * ApiVersions Response (Version: 1–2) => error_code [api_keys] throttle_time_ms
 *   throttle_time_ms => INT32
 * ApiVersions Response (Version: 3) => error_code [api_keys] throttle_time_ms TAG_BUFFER
 *   (api_keys is a COMPACT_ARRAY and each entry ends with a TAG_BUFFER)
 *
 * v3 is flexible in its request header and body, but its response header stays v0. A request
 * for a version we do not support is answered with a v0 body: UNSUPPORTED_VERSION plus the
 * supported ranges, which is what kafkajs and librdkafka look for before retrying lower.
 */
import { supportedApiVersions } from '../api-keys.ts';
import { Writer, type Reader } from '../codec.ts';
import { ErrorCode } from '../error-codes.ts';

export interface ApiVersionsRequest {
  /** v3+; null below. */
  clientSoftwareName: string | null;
  /** v3+; null below. */
  clientSoftwareVersion: string | null;
}

export interface ApiVersionsResponseKey {
  apiKey: number;
  minVersion: number;
  maxVersion: number;
}

export interface ApiVersionsResponse {
  errorCode: number;
  apiKeys: ApiVersionsResponseKey[];
  /** v1+. */
  throttleTimeMs: number;
}

export function decodeApiVersionsRequest(version: number, r: Reader): ApiVersionsRequest {
  if (version < 3) return { clientSoftwareName: null, clientSoftwareVersion: null };
  const clientSoftwareName = r.compactString();
  const clientSoftwareVersion = r.compactString();
  r.skipTaggedFields();
  return { clientSoftwareName, clientSoftwareVersion };
}

export function encodeApiVersionsResponse(version: number, res: ApiVersionsResponse): Buffer {
  const w = new Writer(16 + res.apiKeys.length * 8);
  w.int16(res.errorCode);
  if (version >= 3) {
    w.compactArray(res.apiKeys, (w, k) => {
      w.int16(k.apiKey).int16(k.minVersion).int16(k.maxVersion).emptyTaggedFields();
    });
  } else {
    w.array(res.apiKeys, (w, k) => {
      w.int16(k.apiKey).int16(k.minVersion).int16(k.maxVersion);
    });
  }
  if (version >= 1) w.int32(res.throttleTimeMs);
  if (version >= 3) w.emptyTaggedFields();
  return w.toBuffer();
}

/** The full ApiVersions answer of this broker. */
export function supportedApiVersionsResponse(): ApiVersionsResponse {
  return { errorCode: ErrorCode.NONE, apiKeys: supportedApiVersions(), throttleTimeMs: 0 };
}

export function apiVersionsErrorResponse(_version: number, _req: ApiVersionsRequest, errorCode: number): ApiVersionsResponse {
  return { ...supportedApiVersionsResponse(), errorCode };
}

/** Body for an ApiVersions request of a version we do not support: v0 format, error 35. */
export function encodeUnsupportedApiVersionsResponse(): Buffer {
  return encodeApiVersionsResponse(0, {
    ...supportedApiVersionsResponse(),
    errorCode: ErrorCode.UNSUPPORTED_VERSION,
  });
}
