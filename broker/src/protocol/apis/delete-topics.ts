/**
 * DeleteTopics (key 20), versions 0–1.
 *
 * DeleteTopics Request (Version: 0–1) => [topic_names] timeout_ms
 *   topic_names => STRING
 *   timeout_ms => INT32
 *
 * DeleteTopics Response (Version: 0) => [responses]
 *   responses => name error_code
 *     name => STRING
 *     error_code => INT16
 * DeleteTopics Response (Version: 1) => throttle_time_ms [responses]
 *   throttle_time_ms => INT32
 */
import { Writer, type Reader } from '../codec.ts';

export interface DeleteTopicsRequest {
  topicNames: string[];
  timeoutMs: number;
}

export interface DeletableTopicResult {
  name: string;
  errorCode: number;
}

export interface DeleteTopicsResponse {
  /** v1+. */
  throttleTimeMs: number;
  responses: DeletableTopicResult[];
}

export function decodeDeleteTopicsRequest(_version: number, r: Reader): DeleteTopicsRequest {
  const topicNames = r.nonNullArray((r) => r.string());
  const timeoutMs = r.int32();
  return { topicNames, timeoutMs };
}

export function encodeDeleteTopicsResponse(version: number, res: DeleteTopicsResponse): Buffer {
  const w = new Writer(128);
  if (version >= 1) w.int32(res.throttleTimeMs);
  w.array(res.responses, (w, t) => {
    w.string(t.name).int16(t.errorCode);
  });
  return w.toBuffer();
}

export function deleteTopicsErrorResponse(_version: number, req: DeleteTopicsRequest, errorCode: number): DeleteTopicsResponse {
  return { throttleTimeMs: 0, responses: req.topicNames.map((name) => ({ name, errorCode })) };
}
