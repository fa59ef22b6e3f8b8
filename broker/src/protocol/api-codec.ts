import type { Reader } from './codec.ts';

/** What the server needs to serve one API generically. Method syntax keeps table entries assignable. */
export interface ApiCodec<Req, Res> {
  readonly apiKey: number;
  readonly name: string;
  readonly minVersion: number;
  readonly maxVersion: number;
  /** Decodes a request body; throws ProtocolDecodeError when it is malformed. */
  decodeRequest(version: number, r: Reader): Req;
  /** Encodes a response body (no size, no header). */
  encodeResponse(version: number, res: Res): Buffer;
  /** A response answering every topic/partition/group of `req` with `errorCode`. */
  errorResponse(version: number, req: Req, errorCode: number): Res;
}
