import { describe, expect, it } from 'vitest';
import { ProtocolDecodeError, Reader, Writer } from '../../src/protocol/codec.ts';
import { KafkajsDecoderClass, KafkajsEncoderClass } from './kafkajs-protocol.ts';

const INT32_EDGES = [0, 1, -1, 63, -64, 64, -65, 127, 128, 300, -300, 2 ** 31 - 1, -(2 ** 31)];
const INT64_EDGES = [0n, 1n, -1n, 2n ** 53n + 1n, -(2n ** 53n) - 1n, 2n ** 63n - 1n, -(2n ** 63n)];

describe('Writer and Reader agree with kafkajs byte for byte', () => {
  it('fixed-size integers, booleans, strings, bytes and arrays', () => {
    const ours = new Writer(4)
      .int8(-5)
      .int16(-12345)
      .int32(2 ** 31 - 1)
      .uint32(0xfedcba98)
      .int64(-(2n ** 63n))
      .int64(9007199254740993n)
      .boolean(true)
      .boolean(false)
      .string('orders-ü-€-😀')
      .nullableString(null)
      .string('')
      .bytes(Buffer.from([1, 2, 3]))
      .nullableBytes(null)
      .array(['a', 'bc'], (w, s) => {
        w.string(s);
      })
      .array(null, () => {})
      .toBuffer();
    const theirs = new KafkajsEncoderClass()
      .writeInt8(-5)
      .writeInt16(-12345)
      .writeInt32(2 ** 31 - 1)
      .writeUInt32(0xfedcba98)
      .writeInt64('-9223372036854775808')
      .writeInt64('9007199254740993')
      .writeBoolean(true)
      .writeBoolean(false)
      .writeString('orders-ü-€-😀')
      .writeString(null)
      .writeString('')
      .writeBytes(Buffer.from([1, 2, 3]))
      .writeBytes(null)
      .writeArray(['a', 'bc'])
      .writeInt32(-1).buffer as Buffer;
    expect(ours.equals(theirs)).toBe(true);

    const r = new Reader(theirs);
    expect(r.int8()).toBe(-5);
    expect(r.int16()).toBe(-12345);
    expect(r.int32()).toBe(2 ** 31 - 1);
    expect(r.uint32()).toBe(0xfedcba98);
    expect(r.int64()).toBe(-(2n ** 63n));
    expect(r.int64()).toBe(9007199254740993n);
    expect(r.boolean()).toBe(true);
    expect(r.boolean()).toBe(false);
    expect(r.string()).toBe('orders-ü-€-😀');
    expect(r.nullableString()).toBeNull();
    expect(r.string()).toBe('');
    expect(r.bytes()).toEqual(Buffer.from([1, 2, 3]));
    expect(r.nullableBytes()).toBeNull();
    expect(r.array((r) => r.string())).toEqual(['a', 'bc']);
    expect(r.array((r) => r.string())).toBeNull();
    expect(r.remaining).toBe(0);
  });

  it.each(INT32_EDGES)('varint %i', (value) => {
    const ours = new Writer().varint(value).toBuffer();
    const theirs = new KafkajsEncoderClass().writeVarInt(value).buffer as Buffer;
    expect(ours.equals(theirs)).toBe(true);
    expect(new Reader(theirs).varint()).toBe(value);
    expect(new KafkajsDecoderClass(ours).readVarInt()).toBe(value);
  });

  it.each(INT64_EDGES)('varlong %s', (value) => {
    const ours = new Writer().varlong(value).toBuffer();
    const theirs = new KafkajsEncoderClass().writeVarLong(value.toString()).buffer as Buffer;
    expect(ours.equals(theirs)).toBe(true);
    expect(new Reader(theirs).varlong()).toBe(value);
    expect(new KafkajsDecoderClass(ours).readVarLong().toString()).toBe(value.toString());
  });

  it.each([0, 1, 127, 128, 16383, 16384, 2 ** 31, 2 ** 32 - 1])('unsigned varint %i', (value) => {
    const ours = new Writer().uvarint(value).toBuffer();
    expect(new KafkajsDecoderClass(ours).readUVarInt()).toBe(value);
    expect(new Reader(ours).uvarint()).toBe(value);
  });

  it('compact strings, compact arrays and tagged fields as kafkajs writes them', () => {
    const theirs = new KafkajsEncoderClass()
      .writeUVarIntString('librdkafka')
      .writeUVarIntString(null)
      .writeUVarIntBytes(Buffer.from('ab'))
      .writeUVarInt(3) // compact array of 2 int16s
      .writeInt16(7)
      .writeInt16(8)
      .writeUVarInt(0).buffer as Buffer; // null compact array
    const r = new Reader(theirs);
    expect(r.compactString()).toBe('librdkafka');
    expect(r.compactNullableString()).toBeNull();
    expect(r.compactNullableBytes()).toEqual(Buffer.from('ab'));
    expect(r.compactArray((r) => r.int16())).toEqual([7, 8]);
    expect(r.compactArray((r) => r.int16())).toBeNull();
    expect(r.remaining).toBe(0);

    const ours = new Writer()
      .compactString('librdkafka')
      .compactNullableString(null)
      .compactNullableBytes(Buffer.from('ab'))
      .compactArray([7, 8], (w, n) => {
        w.int16(n);
      })
      .compactArray(null, () => {})
      .toBuffer();
    expect(ours.equals(theirs)).toBe(true);
  });

  it('skips tagged fields with content, leaving the cursor after them', () => {
    const body = new Writer()
      .uvarint(2)
      .uvarint(0)
      .uvarint(3)
      .raw(Buffer.from([9, 9, 9]))
      .uvarint(5)
      .uvarint(0)
      .int16(42)
      .toBuffer();
    const r = new Reader(body);
    r.skipTaggedFields();
    expect(r.int16()).toBe(42);
  });

  it('round-trips a UUID', () => {
    const id = '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0';
    const buf = new Writer().uuid(id).toBuffer();
    expect(buf.length).toBe(16);
    expect(new Reader(buf).uuid()).toBe(id);
  });
});

describe('Reader rejects malformed input with ProtocolDecodeError', () => {
  const cases: [string, Buffer, (r: Reader) => unknown][] = [
    ['int8 on empty', Buffer.alloc(0), (r) => r.int8()],
    ['int16 short', Buffer.from([1]), (r) => r.int16()],
    ['int32 short', Buffer.from([1, 2, 3]), (r) => r.int32()],
    ['int64 short', Buffer.alloc(7), (r) => r.int64()],
    ['string longer than the buffer', Buffer.from([0, 5, 0x61]), (r) => r.string()],
    ['null in a non-nullable string', Buffer.from([0xff, 0xff]), (r) => r.string()],
    ['negative string length', Buffer.from([0xff, 0xfe]), (r) => r.nullableString()],
    ['bytes longer than the buffer', Buffer.from([0, 0, 0, 9, 1]), (r) => r.bytes()],
    ['null non-nullable bytes', Buffer.from([0xff, 0xff, 0xff, 0xff]), (r) => r.bytes()],
    ['negative array length', Buffer.from([0xff, 0xff, 0xff, 0xfe]), (r) => r.array((r) => r.int8())],
    ['null non-nullable array', Buffer.from([0xff, 0xff, 0xff, 0xff]), (r) => r.nonNullArray((r) => r.int8())],
    ['huge array count', Buffer.from([0x7f, 0xff, 0xff, 0xff, 0, 0]), (r) => r.array((r) => r.int8())],
    ['array items running out', Buffer.from([0, 0, 0, 2, 0, 0, 0, 1]), (r) => r.array((r) => r.int32())],
    ['unterminated varint', Buffer.from([0x80, 0x80]), (r) => r.uvarint()],
    ['six-byte varint', Buffer.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x01]), (r) => r.uvarint()],
    ['varint over 32 bits', Buffer.from([0xff, 0xff, 0xff, 0xff, 0x7f]), (r) => r.uvarint()],
    ['eleven-byte varlong', Buffer.alloc(11, 0x80), (r) => r.varlong()],
    ['compact string past the end', Buffer.from([10, 0x61]), (r) => r.compactString()],
    ['null compact string', Buffer.from([0]), (r) => r.compactString()],
    ['huge compact array', Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f]), (r) => r.compactArray((r) => r.int8())],
    ['tagged field past the end', Buffer.from([1, 0, 5, 1]), (r) => r.skipTaggedFields()],
    ['uuid short', Buffer.alloc(15), (r) => r.uuid()],
  ];

  it.each(cases)('%s', (_name, buf, read) => {
    expect(() => read(new Reader(buf))).toThrow(ProtocolDecodeError);
  });

  it('names the field and the offset in its message', () => {
    const r = new Reader(Buffer.from([0, 0, 0, 1, 7]));
    r.int32();
    expect(() => r.int32()).toThrow(/int32.*offset 4.*only 1 left/);
  });

  it('honours start and end bounds instead of the whole buffer', () => {
    const buf = Buffer.from([0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3]);
    const r = new Reader(buf, 4, 8);
    expect(r.remaining).toBe(4);
    expect(r.int32()).toBe(2);
    expect(() => r.int8()).toThrow(ProtocolDecodeError);
  });

  it('returns raw slices that share memory with the frame (no copy)', () => {
    const buf = Buffer.from([0, 0, 0, 2, 0xaa, 0xbb]);
    const bytes = new Reader(buf).bytes();
    buf[4] = 0xcc;
    expect(bytes[0]).toBe(0xcc);
  });
});

describe('Writer growth', () => {
  it('grows far past its initial capacity and keeps every byte in order', () => {
    const w = new Writer(1);
    const count = 100_000;
    for (let i = 0; i < count; i++) w.int32(i);
    const big = Buffer.alloc(300_000, 7);
    w.bytes(big);
    const buf = w.toBuffer();
    expect(buf.length).toBe(count * 4 + 4 + big.length);
    const r = new Reader(buf);
    let outOfOrder = 0;
    for (let i = 0; i < count; i++) if (r.int32() !== i) outOfOrder++;
    expect(outOfOrder).toBe(0);
    expect(r.bytes().equals(big)).toBe(true);
  });

  it('refuses values that do not fit their wire type', () => {
    expect(() => new Writer().string('x'.repeat(40_000))).toThrow(RangeError);
    expect(() => new Writer().uvarint(-1)).toThrow(RangeError);
    expect(() => new Writer().uuid('not-a-uuid')).toThrow(RangeError);
  });
});
