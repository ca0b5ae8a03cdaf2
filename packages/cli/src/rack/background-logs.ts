// Best-effort log sockets opened during deploys and promotes (cli.md §6): frames are passed on as
// they arrive, the socket is reopened a limited number of times after it ends, and a refused or
// broken socket prints one note on stderr while the command goes on polling.
import type { LogStream } from '@rack-gateway/convox';
import type { CliContext } from '../context.js';
import { toCliError } from '../gateway/error-map.js';
import { delay } from '../timers.js';

export interface BackgroundLogs {
  /** Stops following and closes the socket. */
  stop(): void;
  /** Resolves when following has ended (stopped, or no reopen left). */
  readonly finished: Promise<void>;
}

export interface FollowOptions {
  /** Reopen after the stream ends normally (promote logs: `Since: 5s` windows). */
  readonly reopenAfterEnd: boolean;
  /** How often a dropped stream is reopened (build logs: once). */
  readonly reopenAfterError: number;
  readonly reopenDelayMs: number;
}

export function followInBackground(
  ctx: CliContext,
  open: () => Promise<LogStream>,
  onFrame: (frame: Buffer) => void,
  options: FollowOptions,
): BackgroundLogs {
  const stopper = new AbortController();
  const signal = AbortSignal.any([stopper.signal, ctx.io.interrupt]);
  let current: LogStream | undefined;
  const follow = async (): Promise<boolean> => {
    current = await open();
    if (signal.aborted) current.close();
    for await (const frame of current) onFrame(frame);
    return options.reopenAfterEnd;
  };
  const pause = () => delay(options.reopenDelayMs, signal).catch(() => undefined);
  /** One open/read cycle; resolves whether to open again. */
  const cycle = async (errorsLeft: { n: number }): Promise<boolean> => {
    try {
      return (await follow()) && !signal.aborted;
    } catch (err) {
      if (signal.aborted) return false;
      if (errorsLeft.n-- <= 0) throw err;
      return true;
    }
  };
  const run = async () => {
    const errorsLeft = { n: options.reopenAfterError };
    while (!signal.aborted && (await cycle(errorsLeft))) await pause();
  };
  const finished = run().catch((err: unknown) => {
    ctx.out.note(`Note: log stream unavailable (${toCliError(err, ctx.errorContext()).message})`);
  });
  return {
    stop: () => {
      stopper.abort();
      current?.close();
    },
    finished,
  };
}
