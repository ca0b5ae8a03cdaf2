// Streaming upload bodies: chunks are passed on as they arrive (never buffered whole) while the
// bytes sent so far are reported to a progress callback.
import type { Readable } from 'node:stream';

export interface UploadProgress {
  readonly sentBytes: number;
  /** Total size when the caller knew it. */
  readonly totalBytes: number | undefined;
}

export async function* countingBody(
  source: Readable | AsyncIterable<Buffer>,
  totalBytes: number | undefined,
  onProgress: ((progress: UploadProgress) => void) | undefined,
): AsyncGenerator<Buffer> {
  let sentBytes = 0;
  for await (const chunk of source) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    sentBytes += bytes.length;
    yield bytes;
    onProgress?.({ sentBytes, totalBytes });
  }
}
