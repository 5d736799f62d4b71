/**
 * Gzip for byte streams.
 *
 * @module
 */

/** Pipes `input` through gzip. */
export function gzipStream(input: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
  return input.pipeThrough(
    new CompressionStream("gzip") as unknown as TransformStream<Uint8Array, Uint8Array>,
  );
}

/** Pipes `input` through gunzip. */
export function gunzipStream(input: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
  return input.pipeThrough(
    new DecompressionStream("gzip") as unknown as TransformStream<Uint8Array, Uint8Array>,
  );
}

/** Encodes a stream of text as UTF-8. */
export function utf8Stream(input: ReadableStream<string>): ReadableStream<Uint8Array> {
  return input.pipeThrough(
    new TextEncoderStream() as unknown as TransformStream<string, Uint8Array>,
  );
}
