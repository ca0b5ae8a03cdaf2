// The exec exit-code protocol (convox-rack-api.md §4.8–4.9): output frames, then a frame holding
// the marker and the exit code, then EOF. A rack that fails before the command starts sends the
// trailer (code 0) first and then `ERROR: <message>`, so an error after the trailer means exit 1.

export const EXIT_MARKER = 'F1E49A85-0AD7-4AEF-A618-C249C6E6568D';
const MARKER_BYTES = Buffer.from(`${EXIT_MARKER}:`);
const ERROR_PREFIX = Buffer.from('ERROR: ');

/** The trailer frame a server sends after the output. */
export function exitTrailer(code: number): string {
  return `${EXIT_MARKER}:${code}\n`;
}

export interface ExecOutcome {
  readonly exitCode: number;
  /** The in-band error message, when the exec failed. */
  readonly error?: string;
}

/** Splits received frames into output and the outcome. Feed frames in order, then read outcome(). */
export class ExecTrailerParser {
  private exitCode: number | undefined;
  private error: string | undefined;
  private first = true;

  /** Returns the output bytes of this frame (possibly empty). */
  accept(frame: Buffer): Buffer {
    const first = this.first;
    this.first = false;
    if (first && frame.length > 0 && frame[0] === 0) {
      this.error = 'unsupported rack exec protocol';
      return Buffer.alloc(0);
    }
    if (this.exitCode !== undefined) {
      if (frame.subarray(0, ERROR_PREFIX.length).equals(ERROR_PREFIX))
        this.error = frame.subarray(ERROR_PREFIX.length).toString('utf8').trim();
      return Buffer.alloc(0);
    }
    const at = frame.indexOf(MARKER_BYTES);
    if (at < 0) return frame;
    const code = Number.parseInt(
      frame
        .subarray(at + MARKER_BYTES.length)
        .toString('utf8')
        .trim(),
      10,
    );
    this.exitCode = Number.isNaN(code) ? 0 : code;
    return frame.subarray(0, at);
  }

  outcome(): ExecOutcome {
    if (this.error !== undefined) return { exitCode: 1, error: this.error };
    return { exitCode: this.exitCode ?? 0 };
  }
}
