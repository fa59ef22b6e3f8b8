/// <reference path="./compression-libs.d.ts" />
// Kafka has five codecs; kafkajs decodes two (none and gzip) and crashes its consumer on a batch in
// any other, at every fetch from that offset: one snappy, lz4 or zstd batch from another producer
// (a Java or librdkafka client with compression.type set, or a topic that recompresses) would hold
// the consumer for good, past any dead-letter path, since the stage never sees its messages.
// Importing this module teaches every kafkajs client of the process to read all five. Decoding is
// pure JavaScript; the pipeline's own producers send uncompressed, so lz4 and zstd only decode.
import kafkajs from 'kafkajs';
import { decompress as zstdDecompress } from 'fzstd';
import snappyCodec from 'kafkajs-snappy';
import { decompress as lz4Decompress } from 'lz4js';

// CommonJS: the codec registry is only on kafkajs's default export.
const { CompressionCodecs, CompressionTypes } = kafkajs;

const asBuffer = (bytes: Uint8Array): Buffer => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/** A codec that reads what other producers wrote; producing with it is refused with a clear error. */
const decodeOnly = (name: string, decode: (data: Uint8Array) => Uint8Array) => () => ({
  async compress(): Promise<Buffer> {
    throw new Error(`the pipeline does not produce ${name}-compressed batches`);
  },
  async decompress(buffer: Buffer): Promise<Buffer> {
    return asBuffer(decode(buffer));
  },
});

CompressionCodecs[CompressionTypes.Snappy] = snappyCodec;
CompressionCodecs[CompressionTypes.LZ4] = decodeOnly('lz4', (data) => lz4Decompress(data));
CompressionCodecs[CompressionTypes.ZSTD] = decodeOnly('zstd', (data) => zstdDecompress(data));
