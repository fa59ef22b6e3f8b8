// The two codec packages ship no types; what kafka-codecs.ts uses of them.
declare module 'kafkajs-snappy' {
  const codec: () => { compress(encoder: { buffer: Buffer }): Promise<Buffer>; decompress(buffer: Buffer): Promise<Buffer> };
  export default codec;
}
declare module 'lz4js' {
  /** Decodes one LZ4 frame. */
  export function decompress(data: Uint8Array, maxSize?: number): Uint8Array;
}
