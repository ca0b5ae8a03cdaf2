// Bounded reading of request bodies the proxy must inspect (forms ≤ 1 MiB), and a byte limit for
// bodies it streams (object uploads, RACK_PROXY_MAX_UPLOAD_BYTES): 413 beyond, never buffering.
import { IncomingMessage } from 'node:http';
import { type Readable, Transform } from 'node:stream';
import { GatewayError } from '../http/errors.js';

export const FORM_LIMIT_BYTES = 1024 * 1024;

export const tooLarge = (limit: number): GatewayError =>
  new GatewayError(413, 'body_too_large', {
    message: `The request body exceeds ${limit} bytes.`,
    expose: true,
  });

/**
 * Reads at most `limit` bytes; beyond that, 413. A client's request is then left open rather than
 * destroyed: destroying it resets the TCP connection before the client can read the 413, whereas
 * Node drains an unread request body once the answer has been written. Other streams (rack
 * responses) are dropped.
 */
export async function readBounded(stream: Readable, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  const destroyOnReturn = !(stream instanceof IncomingMessage);
  for await (const chunk of stream.iterator({ destroyOnReturn })) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
    size += buf.length;
    if (size > limit) throw tooLarge(limit);
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

/** Passes bytes through and fails the stream once more than `limit` bytes went by. */
export function byteLimit(limit: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      seen += chunk.length;
      if (seen > limit) done(tooLarge(limit));
      else done(null, chunk);
    },
  });
}
