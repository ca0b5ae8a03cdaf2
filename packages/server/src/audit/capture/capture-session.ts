// One captured exec/run session (audit.md §16): every frame in either direction with its time since
// open, buffered and flushed every second or 64 KiB, capped at TERMINAL_CAPTURE_MAX_BYTES (frames
// past the cap are counted, not stored, and the session is marked truncated). The Convox exit-code
// trailer is parsed from the output. capture_sha256 covers the stored frames in the §4.1 encoding.
import { createHash, type Hash } from 'node:crypto';
import type { Database } from '../../db/database.js';
import { encBytes, encInt, encText } from '../chain/encoding.js';

export const EXIT_TRAILER = 'F1E49A85-0AD7-4AEF-A618-C249C6E6568D';
const TRAILER = new RegExp(`${EXIT_TRAILER}:(-?\\d+)`);
export const FLUSH_BYTES = 64 * 1024;
export const FLUSH_INTERVAL_MS = 1000;

export type Direction = 'i' | 'o';
export type CloseReason = 'client' | 'upstream' | 'revoked' | 'idle' | 'error' | 'capture_failed';

/** The details of `process.exec.close` (audit.md §8.7). */
export interface CaptureSummary {
  readonly duration_ms: number;
  readonly exit_code: number | null;
  readonly bytes_in: number;
  readonly bytes_out: number;
  readonly captured_bytes: number;
  readonly truncated: boolean;
  readonly capture_sha256: string;
  readonly close_reason: CloseReason;
}

interface Frame {
  readonly idx: number;
  readonly tMs: number;
  readonly dir: Direction;
  readonly data: Buffer;
}

export function frameDigestPart(f: {
  idx: number;
  tMs: number;
  dir: Direction;
  data: Uint8Array;
}): Buffer {
  return Buffer.concat([encInt(f.idx), encInt(f.tMs), encText(f.dir), encBytes(f.data)]);
}

export class CaptureSession {
  private pending: Frame[] = [];
  private pendingBytes = 0;
  private nextIdx = 0;
  private bytes = { i: 0, o: 0 };
  private captured = 0;
  private truncated = false;
  private exitCode: number | null = null;
  private outputTail = '';
  private readonly digest: Hash = createHash('sha256');
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private failed: Error | null = null;
  private readonly failureListeners: ((err: Error) => void)[] = [];
  private closed = false;

  constructor(
    readonly id: string,
    private readonly db: Database,
    private readonly maxBytes: number,
    private readonly openedAt: number,
    private readonly now: () => number,
  ) {}

  /** Called when frames cannot be stored: the proxy closes the socket (fail closed). */
  onFailure(listener: (err: Error) => void): void {
    this.failureListeners.push(listener);
  }

  get failure(): Error | null {
    return this.failed;
  }

  /** Records one frame (never throws; a storage failure is reported through onFailure). */
  record(dir: Direction, data: Uint8Array): void {
    if (this.closed || this.failed !== null) return;
    const buf = Buffer.from(data);
    this.bytes[dir] += buf.length;
    if (dir === 'o') this.scanTrailer(buf);
    if (this.captured + buf.length > this.maxBytes) {
      this.truncated = true;
      return;
    }
    const frame: Frame = {
      idx: this.nextIdx++,
      tMs: Math.max(0, this.now() - this.openedAt),
      dir,
      data: buf,
    };
    this.digest.update(frameDigestPart(frame));
    this.captured += buf.length;
    this.pending.push(frame);
    this.pendingBytes += buf.length;
    if (this.pendingBytes >= FLUSH_BYTES) void this.flush();
    else if (this.timer === undefined) {
      this.timer = setTimeout(() => void this.flush(), FLUSH_INTERVAL_MS);
      this.timer.unref();
    }
  }

  /** Writes the buffered frames (serialised with earlier flushes). */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const frames = this.pending;
    this.pending = [];
    this.pendingBytes = 0;
    if (frames.length === 0) return this.flushing;
    this.flushing = this.flushing.then(() => this.store(frames));
    return this.flushing;
  }

  /** Flushes, stores the close metadata and returns the details of process.exec.close. */
  async close(reason: CloseReason): Promise<CaptureSummary> {
    await this.flush();
    this.closed = true;
    const summary: CaptureSummary = {
      duration_ms: Math.max(0, this.now() - this.openedAt),
      exit_code: this.exitCode,
      bytes_in: this.bytes.i,
      bytes_out: this.bytes.o,
      captured_bytes: this.captured,
      truncated: this.truncated,
      capture_sha256: this.digest.copy().digest('hex'),
      close_reason: this.failed !== null ? 'capture_failed' : reason,
    };
    await this.db.query(
      `UPDATE audit.terminal_session SET ended_at = $2, bytes_in = $3, bytes_out = $4, captured_bytes = $5,
         frame_count = $6, truncated = $7, exit_code = $8, close_reason = $9, capture_sha256 = decode($10, 'hex')
       WHERE id = $1`,
      [
        this.id,
        new Date(this.openedAt + summary.duration_ms).toISOString(),
        summary.bytes_in,
        summary.bytes_out,
        summary.captured_bytes,
        this.nextIdx,
        summary.truncated,
        summary.exit_code,
        summary.close_reason,
        summary.capture_sha256,
      ],
    );
    return summary;
  }

  private scanTrailer(buf: Buffer): void {
    this.outputTail = (this.outputTail + buf.toString('latin1')).slice(-256);
    const m = TRAILER.exec(this.outputTail);
    if (m?.[1] !== undefined) this.exitCode = Number(m[1]);
  }

  private async store(frames: readonly Frame[]): Promise<void> {
    if (this.failed !== null) return;
    try {
      await this.db.query(
        `INSERT INTO audit.terminal_frame (session_id, idx, t_ms, direction, data)
         SELECT $1, f.idx, f.t_ms, f.dir, decode(f.data, 'base64')
         FROM unnest($2::integer[], $3::bigint[], $4::text[], $5::text[]) AS f(idx, t_ms, dir, data)`,
        [
          this.id,
          frames.map((f) => f.idx),
          frames.map((f) => f.tMs),
          frames.map((f) => f.dir),
          frames.map((f) => f.data.toString('base64')),
        ],
      );
    } catch (err) {
      this.failed = err instanceof Error ? err : new Error(String(err));
      for (const l of this.failureListeners) l(this.failed);
    }
  }
}
