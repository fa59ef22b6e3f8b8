/**
 * Primitive types of the Kafka wire protocol (https://kafka.apache.org/protocol#protocol_types).
 *
 * Reader walks a Buffer with a cursor and throws ProtocolDecodeError on anything it cannot read
 * (past the end, a negative length where none is allowed, an over-long varint), so a malformed
 * request becomes one catchable error instead of a RangeError, a hang or a huge allocation.
 * Writer appends to a growable buffer that doubles when full.
 */

export class ProtocolDecodeError extends Error {
  override readonly name = 'ProtocolDecodeError';
}

const textDecoder = new TextDecoder('utf-8');

export class Reader {
  private offset: number;
  private readonly end: number;

  constructor(
    private readonly buf: Buffer,
    start = 0,
    end = buf.length,
  ) {
    this.offset = start;
    this.end = end;
  }

  /** Bytes not yet read. */
  get remaining(): number {
    return this.end - this.offset;
  }

  /** Cursor position inside the underlying buffer. */
  get position(): number {
    return this.offset;
  }

  private need(bytes: number, what: string): void {
    if (this.end - this.offset < bytes) {
      throw new ProtocolDecodeError(`cannot read ${what}: need ${bytes} byte(s) at offset ${this.offset}, only ${this.end - this.offset} left`);
    }
  }

  int8(): number {
    this.need(1, 'int8');
    return this.buf.readInt8(this.offset++);
  }

  int16(): number {
    this.need(2, 'int16');
    const value = this.buf.readInt16BE(this.offset);
    this.offset += 2;
    return value;
  }

  int32(): number {
    this.need(4, 'int32');
    const value = this.buf.readInt32BE(this.offset);
    this.offset += 4;
    return value;
  }

  uint32(): number {
    this.need(4, 'uint32');
    const value = this.buf.readUInt32BE(this.offset);
    this.offset += 4;
    return value;
  }

  int64(): bigint {
    this.need(8, 'int64');
    const value = this.buf.readBigInt64BE(this.offset);
    this.offset += 8;
    return value;
  }

  boolean(): boolean {
    this.need(1, 'boolean');
    return this.buf[this.offset++] !== 0;
  }

  /** Unsigned LEB128, at most 5 bytes (an unsigned 32-bit value). */
  uvarint(): number {
    let result = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      this.need(1, 'varint');
      const byte = this.buf[this.offset++]!;
      result += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) {
        if (result > 0xffffffff) throw new ProtocolDecodeError('varint does not fit in 32 bits');
        return result;
      }
    }
    throw new ProtocolDecodeError('varint longer than 5 bytes');
  }

  /** Zigzag-encoded signed 32-bit varint. */
  varint(): number {
    const raw = this.uvarint();
    return (raw >>> 1) ^ -(raw & 1);
  }

  /** Unsigned LEB128, at most 10 bytes (an unsigned 64-bit value). */
  uvarlong(): bigint {
    let result = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      this.need(1, 'varlong');
      const byte = this.buf[this.offset++]!;
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return BigInt.asUintN(64, result);
    }
    throw new ProtocolDecodeError('varlong longer than 10 bytes');
  }

  /** Zigzag-encoded signed 64-bit varint. */
  varlong(): bigint {
    const raw = this.uvarlong();
    return BigInt.asIntN(64, (raw >> 1n) ^ -(raw & 1n));
  }

  /** `n` raw bytes, sharing memory with the underlying buffer. */
  raw(n: number): Buffer {
    if (n < 0) throw new ProtocolDecodeError(`negative length ${n}`);
    this.need(n, `${n} raw bytes`);
    const out = this.buf.subarray(this.offset, this.offset + n);
    this.offset += n;
    return out;
  }

  private utf8(length: number): string {
    this.need(length, `string of ${length} bytes`);
    const value = textDecoder.decode(this.buf.subarray(this.offset, this.offset + length));
    this.offset += length;
    return value;
  }

  string(): string {
    const length = this.int16();
    if (length < 0) throw new ProtocolDecodeError(`null or negative length ${length} for a non-nullable string`);
    return this.utf8(length);
  }

  nullableString(): string | null {
    const length = this.int16();
    if (length === -1) return null;
    if (length < 0) throw new ProtocolDecodeError(`invalid string length ${length}`);
    return this.utf8(length);
  }

  bytes(): Buffer {
    const length = this.int32();
    if (length < 0) throw new ProtocolDecodeError(`null or negative length ${length} for non-nullable bytes`);
    return this.raw(length);
  }

  nullableBytes(): Buffer | null {
    const length = this.int32();
    if (length === -1) return null;
    if (length < 0) throw new ProtocolDecodeError(`invalid bytes length ${length}`);
    return this.raw(length);
  }

  private items<T>(count: number, readItem: (r: Reader) => T): T[] {
    // Every item of every array in the APIs we decode takes at least one byte, so a count larger
    // than what is left is garbage; refusing it early avoids long loops over a bogus length.
    if (count > this.remaining) {
      throw new ProtocolDecodeError(`array of ${count} items cannot fit in ${this.remaining} remaining bytes`);
    }
    const out: T[] = [];
    for (let i = 0; i < count; i++) out.push(readItem(this));
    return out;
  }

  /** ARRAY: int32 count then items; null for count -1. */
  array<T>(readItem: (r: Reader) => T): T[] | null {
    const count = this.int32();
    if (count === -1) return null;
    if (count < 0) throw new ProtocolDecodeError(`invalid array length ${count}`);
    return this.items(count, readItem);
  }

  /** ARRAY of a field the protocol declares non-nullable: -1 is an error. */
  nonNullArray<T>(readItem: (r: Reader) => T): T[] {
    const items = this.array(readItem);
    if (items === null) throw new ProtocolDecodeError('null array where the protocol requires one');
    return items;
  }

  compactString(): string {
    const value = this.compactNullableString();
    if (value === null) throw new ProtocolDecodeError('null compact string where the protocol requires one');
    return value;
  }

  compactNullableString(): string | null {
    const lengthPlusOne = this.uvarint();
    if (lengthPlusOne === 0) return null;
    return this.utf8(lengthPlusOne - 1);
  }

  compactNullableBytes(): Buffer | null {
    const lengthPlusOne = this.uvarint();
    if (lengthPlusOne === 0) return null;
    return this.raw(lengthPlusOne - 1);
  }

  /** COMPACT_ARRAY: uvarint count+1 then items; null for 0. */
  compactArray<T>(readItem: (r: Reader) => T): T[] | null {
    const countPlusOne = this.uvarint();
    if (countPlusOne === 0) return null;
    return this.items(countPlusOne - 1, readItem);
  }

  /** UUID as 32 lowercase hex digits in 8-4-4-4-12 form. */
  uuid(): string {
    const hex = this.raw(16).toString('hex');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  /** TAG_BUFFER: skips every tagged field (we understand none of them). */
  skipTaggedFields(): void {
    const count = this.uvarint();
    for (let i = 0; i < count; i++) {
      this.uvarint(); // tag
      this.raw(this.uvarint());
    }
  }
}

const MIN_CAPACITY = 64;

export class Writer {
  private buf: Buffer;
  private offset = 0;

  constructor(initialCapacity = 256) {
    this.buf = Buffer.allocUnsafe(Math.max(MIN_CAPACITY, initialCapacity));
  }

  /** Bytes written so far. */
  get length(): number {
    return this.offset;
  }

  private ensure(bytes: number): void {
    const required = this.offset + bytes;
    if (required <= this.buf.length) return;
    let capacity = this.buf.length * 2;
    while (capacity < required) capacity *= 2;
    const grown = Buffer.allocUnsafe(capacity);
    this.buf.copy(grown, 0, 0, this.offset);
    this.buf = grown;
  }

  int8(value: number): this {
    this.ensure(1);
    this.buf.writeInt8(value, this.offset);
    this.offset += 1;
    return this;
  }

  int16(value: number): this {
    this.ensure(2);
    this.buf.writeInt16BE(value, this.offset);
    this.offset += 2;
    return this;
  }

  int32(value: number): this {
    this.ensure(4);
    this.buf.writeInt32BE(value, this.offset);
    this.offset += 4;
    return this;
  }

  uint32(value: number): this {
    this.ensure(4);
    this.buf.writeUInt32BE(value, this.offset);
    this.offset += 4;
    return this;
  }

  int64(value: bigint | number): this {
    this.ensure(8);
    this.buf.writeBigInt64BE(typeof value === 'bigint' ? value : BigInt(value), this.offset);
    this.offset += 8;
    return this;
  }

  boolean(value: boolean): this {
    this.ensure(1);
    this.buf[this.offset++] = value ? 1 : 0;
    return this;
  }

  uvarint(value: number): this {
    if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
      throw new RangeError(`uvarint out of range: ${value}`);
    }
    this.ensure(5);
    let rest = value;
    while (rest >= 0x80) {
      this.buf[this.offset++] = (rest & 0x7f) | 0x80;
      rest = Math.floor(rest / 128);
    }
    this.buf[this.offset++] = rest;
    return this;
  }

  varint(value: number): this {
    return this.uvarint(((value << 1) ^ (value >> 31)) >>> 0);
  }

  uvarlong(value: bigint): this {
    this.ensure(10);
    let rest = BigInt.asUintN(64, value);
    while (rest >= 0x80n) {
      this.buf[this.offset++] = Number(rest & 0x7fn) | 0x80;
      rest >>= 7n;
    }
    this.buf[this.offset++] = Number(rest);
    return this;
  }

  varlong(value: bigint): this {
    const v = BigInt.asIntN(64, value);
    return this.uvarlong(BigInt.asUintN(64, (v << 1n) ^ (v >> 63n)));
  }

  /** Appends bytes as they are, with no length prefix. */
  raw(bytes: Uint8Array): this {
    this.ensure(bytes.length);
    this.buf.set(bytes, this.offset);
    this.offset += bytes.length;
    return this;
  }

  private utf8(value: string, byteLength: number): void {
    this.ensure(byteLength);
    this.offset += this.buf.write(value, this.offset, byteLength, 'utf8');
  }

  string(value: string): this {
    const byteLength = Buffer.byteLength(value, 'utf8');
    if (byteLength > 0x7fff) throw new RangeError(`string of ${byteLength} bytes is too long for STRING`);
    this.int16(byteLength);
    this.utf8(value, byteLength);
    return this;
  }

  nullableString(value: string | null): this {
    return value === null ? this.int16(-1) : this.string(value);
  }

  bytes(value: Uint8Array): this {
    this.int32(value.length);
    return this.raw(value);
  }

  nullableBytes(value: Uint8Array | null): this {
    return value === null ? this.int32(-1) : this.bytes(value);
  }

  /** ARRAY: int32 count then items; null is written as -1. */
  array<T>(items: readonly T[] | null, writeItem: (w: Writer, item: T) => void): this {
    if (items === null) return this.int32(-1);
    this.int32(items.length);
    for (const item of items) writeItem(this, item);
    return this;
  }

  compactString(value: string): this {
    const byteLength = Buffer.byteLength(value, 'utf8');
    this.uvarint(byteLength + 1);
    this.utf8(value, byteLength);
    return this;
  }

  compactNullableString(value: string | null): this {
    return value === null ? this.uvarint(0) : this.compactString(value);
  }

  compactNullableBytes(value: Uint8Array | null): this {
    if (value === null) return this.uvarint(0);
    this.uvarint(value.length + 1);
    return this.raw(value);
  }

  /** COMPACT_ARRAY: uvarint count+1 then items; null is written as 0. */
  compactArray<T>(items: readonly T[] | null, writeItem: (w: Writer, item: T) => void): this {
    if (items === null) return this.uvarint(0);
    this.uvarint(items.length + 1);
    for (const item of items) writeItem(this, item);
    return this;
  }

  /** UUID given as 32 hex digits, dashes optional. */
  uuid(value: string): this {
    const hex = value.replace(/-/g, '');
    if (!/^[0-9a-fA-F]{32}$/.test(hex)) throw new RangeError(`not a UUID: ${value}`);
    this.ensure(16);
    this.offset += this.buf.write(hex, this.offset, 16, 'hex');
    return this;
  }

  /** An empty TAG_BUFFER (we never send tagged fields). */
  emptyTaggedFields(): this {
    return this.uvarint(0);
  }

  /** The bytes written so far. Shares memory with the writer: stop writing once you take it. */
  toBuffer(): Buffer {
    return this.buf.subarray(0, this.offset);
  }
}
