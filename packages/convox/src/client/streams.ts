// The two kinds of rack socket: one-way log streams and exec sessions with stdin and an exit code
// (convox-rack-api.md §4). Both sit on FrameSocket; frames are delivered exactly as received.
import type { Readable } from 'node:stream';
import { type ExecOutcome, ExecTrailerParser } from './exec-trailer.js';
import type { FrameSocket } from './frame-socket.js';

/** The convox SDK sends stdin in chunks of at most 1 KiB. */
const STDIN_CHUNK = 1024;

/**
 * A log socket: iterate frames (one log line each on Convox) until EOF; close() stops following.
 * Frames are delivered exactly as received — an in-band `ERROR: …` frame is data here, as the convox
 * CLI prints it — and iteration throws RackStreamError when the connection ends abnormally.
 */
export class LogStream implements AsyncIterable<Buffer> {
  constructor(private readonly socket: FrameSocket) {}

  [Symbol.asyncIterator](): AsyncIterator<Buffer> {
    return this.socket.frames[Symbol.asyncIterator]();
  }

  /** Reads the stream to its end and returns all bytes (for `Follow: false` reads and builds). */
  async text(): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const frame of this) chunks.push(frame);
    return Buffer.concat(chunks).toString('utf8');
  }

  close(): void {
    this.socket.close();
  }
}

export interface ExecIo {
  /** Called with each output frame's bytes (trailer removed), in order. */
  readonly onOutput?: (chunk: Buffer) => void;
}

/**
 * An exec socket: write stdin, end() sends EOF, `result` resolves with the exit code (trailer
 * protocol of §4.8) or rejects with RackStreamError when the connection drops before EOF.
 */
export class ExecSession {
  readonly result: Promise<ExecOutcome>;

  constructor(
    private readonly socket: FrameSocket,
    io: ExecIo,
  ) {
    this.result = this.pump(io);
  }

  private async pump(io: ExecIo): Promise<ExecOutcome> {
    const parser = new ExecTrailerParser();
    for await (const frame of this.socket.frames) {
      const output = parser.accept(frame);
      if (output.length > 0) io.onOutput?.(output);
    }
    return parser.outcome();
  }

  /** Sends input as text frames of at most 1 KiB. */
  write(data: Buffer | string): void {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    for (let at = 0; at < bytes.length; at += STDIN_CHUNK)
      this.socket.sendText(bytes.subarray(at, at + STDIN_CHUNK));
  }

  /** Closes stdin: sends the EOF frame (an empty binary frame). */
  end(): void {
    this.socket.sendEof();
  }

  /** Copies a stream to stdin and sends EOF when it ends. */
  async pipeFrom(input: Readable | AsyncIterable<Buffer | string>): Promise<void> {
    for await (const chunk of input) this.write(chunk as Buffer | string);
    this.end();
  }

  /** Aborts the session (closes the socket). */
  close(): void {
    this.socket.close();
  }
}
