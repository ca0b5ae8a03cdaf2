// Reading request bodies: counted for the request log, capped for objects (413 `object too large`).
import type { IncomingMessage } from 'node:http';

export class BodyTooLargeError extends Error {
  override readonly name = 'BodyTooLargeError';
}

export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new BodyTooLargeError('object too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
