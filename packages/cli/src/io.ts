// The CLI's boundary with its process: streams, environment, working directory, clock, browser and
// the interrupt signal. `bin.ts` builds the real one; tests pass their own, so every command runs
// in-process with captured output.
import type { Readable } from 'node:stream';

export interface OutStream {
  write(chunk: string | Uint8Array): boolean;
  readonly isTTY?: boolean;
  readonly columns?: number;
  readonly rows?: number;
}

export type InStream = Readable & {
  readonly isTTY?: boolean;
  setRawMode?(mode: boolean): unknown;
};

/** Poll intervals and delays (ms) of the waits in cli.md §4–6; tests shorten them. */
export interface Timings {
  /** Build and process status polls (1 s). */
  readonly pollMs: number;
  /** App status polls during create, delete, promote and scale (2 s). */
  readonly appPollMs: number;
  /** How long a browser login waits before it says where it stands and what may be wrong (60 s). */
  readonly loginHintMs: number;
}

export const DEFAULT_TIMINGS: Timings = { pollMs: 1000, appPollMs: 2000, loginHintMs: 60_000 };

export interface CliIo {
  readonly stdout: OutStream;
  readonly stderr: OutStream;
  readonly stdin: InStream;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  readonly homedir: string;
  readonly hostname: string;
  readonly platform: NodeJS.Platform;
  readonly arch: string;
  /** Aborted by Ctrl-C (SIGINT). */
  readonly interrupt: AbortSignal;
  /** Opens a URL in a browser; resolves false when none could be started. */
  openUrl(url: string): Promise<boolean>;
  now(): Date;
  readonly timings: Timings;
}
