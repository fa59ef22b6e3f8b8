import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  API_CODECS,
  API_TABLE,
  ApiKey,
  ErrorCode,
  ProtocolDecodeError,
  Reader,
  SUPPORTED_VERSIONS,
  apiName,
  errorName,
  isRetriable,
  isVersionSupported,
  type AnyApiCodec,
} from '../../src/protocol/index.ts';

// The ranges the brief fixes, written out independently of the table under test.
const EXPECTED_RANGES: Record<number, [number, number]> = {
  18: [0, 3],
  3: [1, 6],
  0: [3, 7],
  1: [4, 11],
  2: [1, 3],
  10: [0, 2],
  11: [0, 5],
  14: [0, 3],
  12: [0, 3],
  13: [0, 3],
  8: [2, 5],
  9: [1, 4],
  15: [0, 2],
  16: [0, 5],
  19: [0, 3],
  20: [0, 1],
  22: [0, 1],
  32: [0, 4],
  60: [0, 1],
};

function allCodecVersions(): [string, number, AnyApiCodec][] {
  return Object.values(API_CODECS).flatMap((codec) => {
    const versions: [string, number, AnyApiCodec][] = [];
    for (let v = codec.minVersion; v <= codec.maxVersion; v++) versions.push([codec.name, v, codec]);
    return versions;
  });
}

/** Deterministic random bytes (fast-check's generator, seeded), so a failure can be reproduced. */
function randomBytes(seed: number, length: number): Buffer {
  const [bytes] = fc.sample(fc.uint8Array({ minLength: length, maxLength: length }), { seed, numRuns: 1 });
  return Buffer.from(bytes!);
}

describe('API table', () => {
  it('supports exactly the versions the brief lists', () => {
    const actual = Object.fromEntries(Object.entries(SUPPORTED_VERSIONS).map(([key, r]) => [key, [r.min, r.max]]));
    expect(actual).toEqual(EXPECTED_RANGES);
  });

  it('has one codec per supported API, carrying its key, name and range', () => {
    expect(
      Object.keys(API_TABLE)
        .map(Number)
        .sort((a, b) => a - b),
    ).toEqual(
      Object.keys(EXPECTED_RANGES)
        .map(Number)
        .sort((a, b) => a - b),
    );
    for (const [key, [min, max]] of Object.entries(EXPECTED_RANGES)) {
      const codec = API_TABLE[Number(key)];
      expect(codec).toMatchObject({ apiKey: Number(key), minVersion: min, maxVersion: max, name: apiName(Number(key)) });
    }
    expect(API_TABLE[ApiKey.Fetch]?.name).toBe('Fetch');
    expect(API_TABLE[ApiKey.FindCoordinator]?.name).toBe('FindCoordinator');
  });

  it('has nothing for APIs the broker does not implement', () => {
    expect(API_TABLE[17]).toBeUndefined(); // SaslHandshake
    expect(API_TABLE[-1]).toBeUndefined();
    expect(apiName(17)).toBe('Unknown(17)');
  });

  it('knows which versions are supported', () => {
    expect(isVersionSupported(ApiKey.Produce, 2)).toBe(false);
    expect(isVersionSupported(ApiKey.Produce, 3)).toBe(true);
    expect(isVersionSupported(ApiKey.Produce, 7)).toBe(true);
    expect(isVersionSupported(ApiKey.Produce, 8)).toBe(false);
    expect(isVersionSupported(ApiKey.ApiVersions, 4)).toBe(false);
    expect(isVersionSupported(99, 0)).toBe(false);
  });
});

describe('every decoder on garbage', () => {
  it.each(allCodecVersions())('%s v%i throws only ProtocolDecodeError, and quickly', (_name, version, codec) => {
    const started = Date.now();
    let decodedCleanly = 0;
    for (let seed = 1; seed <= 300; seed++) {
      const body = randomBytes(seed * 7919 + version, seed % 97);
      try {
        codec.decodeRequest(version, new Reader(body));
        decodedCleanly++;
      } catch (err) {
        if (!(err instanceof ProtocolDecodeError)) throw err;
      }
    }
    const bodyless = (codec.apiKey === ApiKey.ListGroups || codec.apiKey === ApiKey.ApiVersions) && version < 3;
    if (bodyless) expect(decodedCleanly).toBe(300);
    else {
      expect(decodedCleanly).toBeLessThan(300);
      expect(() => codec.decodeRequest(version, new Reader(Buffer.alloc(0)))).toThrow(ProtocolDecodeError);
    }
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('rejects a huge array count without allocating or looping over it', () => {
    // DescribeGroups: groups count 2^31-1 in a 6-byte body.
    const body = Buffer.from([0x7f, 0xff, 0xff, 0xff, 0x00, 0x01]);
    expect(() => API_CODECS[ApiKey.DescribeGroups].decodeRequest(0, new Reader(body))).toThrow(/cannot fit/);
  });
});

describe('error catalogue', () => {
  it('uses the codes of the Kafka protocol', () => {
    expect(ErrorCode).toMatchObject({
      UNKNOWN_SERVER_ERROR: -1,
      NONE: 0,
      OFFSET_OUT_OF_RANGE: 1,
      CORRUPT_MESSAGE: 2,
      UNKNOWN_TOPIC_OR_PARTITION: 3,
      INVALID_FETCH_SIZE: 4,
      LEADER_NOT_AVAILABLE: 5,
      NOT_LEADER: 6,
      REQUEST_TIMED_OUT: 7,
      MESSAGE_TOO_LARGE: 10,
      COORDINATOR_LOAD_IN_PROGRESS: 14,
      COORDINATOR_NOT_AVAILABLE: 15,
      NOT_COORDINATOR: 16,
      INVALID_TOPIC_EXCEPTION: 17,
      RECORD_LIST_TOO_LARGE: 18,
      INVALID_REQUIRED_ACKS: 21,
      ILLEGAL_GENERATION: 22,
      INCONSISTENT_GROUP_PROTOCOL: 23,
      INVALID_GROUP_ID: 24,
      UNKNOWN_MEMBER_ID: 25,
      INVALID_SESSION_TIMEOUT: 26,
      REBALANCE_IN_PROGRESS: 27,
      UNSUPPORTED_VERSION: 35,
      TOPIC_ALREADY_EXISTS: 36,
      INVALID_PARTITIONS: 37,
      INVALID_REPLICATION_FACTOR: 38,
      INVALID_REQUEST: 42,
      UNSUPPORTED_FOR_MESSAGE_FORMAT: 43,
      OUT_OF_ORDER_SEQUENCE_NUMBER: 45,
      DUPLICATE_SEQUENCE_NUMBER: 46,
      INVALID_PRODUCER_EPOCH: 47,
      UNKNOWN_PRODUCER_ID: 59,
      GROUP_ID_NOT_FOUND: 69,
      MEMBER_ID_REQUIRED: 79,
    });
  });

  it('names codes and knows which are retriable', () => {
    expect(errorName(27)).toBe('REBALANCE_IN_PROGRESS');
    expect(errorName(-1)).toBe('UNKNOWN_SERVER_ERROR');
    expect(errorName(9999)).toBe('UNKNOWN(9999)');
    expect(isRetriable(ErrorCode.NOT_COORDINATOR)).toBe(true);
    expect(isRetriable(ErrorCode.LEADER_NOT_AVAILABLE)).toBe(true);
    expect(isRetriable(ErrorCode.UNKNOWN_MEMBER_ID)).toBe(false);
    expect(isRetriable(ErrorCode.NONE)).toBe(false);
  });
});
