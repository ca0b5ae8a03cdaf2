// Runs the CLI in-process with captured streams: the same `main` the binary runs, with a fake
// terminal (isTTY flags), injected environment, browser and Ctrl-C.
import { Readable } from 'node:stream';
import type { CliIo, InStream, OutStream, Timings } from '../../src/io.js';
import { main } from '../../src/main.js';

export interface CliRunOptions {
  readonly env?: Record<string, string | undefined>;
  readonly cwd?: string;
  /** Text for stdin (ends after it), or a stream; default: empty. */
  readonly stdin?: string | Readable;
  readonly stdinTTY?: boolean;
  readonly stdoutTTY?: boolean;
  readonly stderrTTY?: boolean;
  readonly openUrl?: (url: string) => Promise<boolean>;
  readonly now?: () => Date;
  readonly platform?: NodeJS.Platform;
  /** Overrides of the shortened test timings (e.g. `loginHintMs: 0` to see the login hints). */
  readonly timings?: Partial<Timings>;
}

export interface CliRun {
  readonly result: Promise<CliResult>;
  stdout(): string;
  stderr(): string;
  /** Simulates Ctrl-C (SIGINT). */
  interrupt(): void;
  /** The fake stdin (push more input in tests with a PassThrough). */
  readonly stdin: InStream;
  readonly rawModes: boolean[];
}

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly stdoutBytes: Buffer;
}

function capture(isTTY: boolean) {
  const chunks: Buffer[] = [];
  const stream: OutStream = {
    isTTY,
    columns: 100,
    rows: 30,
    write(chunk) {
      chunks.push(Buffer.from(chunk));
      return true;
    },
  };
  return { stream, bytes: () => Buffer.concat(chunks) };
}

export function startCli(argv: readonly string[], options: CliRunOptions = {}): CliRun {
  const out = capture(options.stdoutTTY ?? false);
  const err = capture(options.stderrTTY ?? false);
  const rawModes: boolean[] = [];
  const source =
    typeof options.stdin === 'string' || options.stdin === undefined
      ? Readable.from(options.stdin ? [Buffer.from(options.stdin)] : [])
      : options.stdin;
  const stdin = Object.assign(source, {
    isTTY: options.stdinTTY ?? false,
    setRawMode(mode: boolean) {
      rawModes.push(mode);
      return source;
    },
  }) as InStream;
  const controller = new AbortController();
  const io: CliIo = {
    stdout: out.stream,
    stderr: err.stream,
    stdin,
    env: { HOME: '/nonexistent', ...options.env },
    cwd: options.cwd ?? process.cwd(),
    homedir: '/nonexistent',
    hostname: 'test-host',
    platform: options.platform ?? 'linux',
    arch: 'x64',
    interrupt: controller.signal,
    openUrl: options.openUrl ?? (async () => false),
    now: options.now ?? (() => new Date()),
    timings: { pollMs: 10, appPollMs: 10, loginHintMs: 60_000, ...options.timings },
  };
  const result = main(argv, io).then((code) => ({
    code,
    stdout: out.bytes().toString('utf8'),
    stderr: err.bytes().toString('utf8'),
    stdoutBytes: out.bytes(),
  }));
  return {
    result,
    stdout: () => out.bytes().toString('utf8'),
    stderr: () => err.bytes().toString('utf8'),
    interrupt: () => controller.abort(),
    stdin,
    rawModes,
  };
}

export function runCli(argv: readonly string[], options: CliRunOptions = {}): Promise<CliResult> {
  return startCli(argv, options).result;
}

/** Polls a condition (no fixed sleeps in assertions). */
export async function until(check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
