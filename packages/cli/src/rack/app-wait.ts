// Waiting on an app's status (cli.md §6, §6.3 step 4): polls `GET /apps/{app}` on a timer bound to
// Ctrl-C and the command's deadline. A promote or scale is done when the app runs the expected
// release; `rollback`, or `running` with another release once the app was seen updating (or after
// 30 s), means the change was rolled back.
import type { App } from '@rack-gateway/convox';
import type { CliContext } from '../context.js';
import { CliError, EXIT } from '../errors.js';
import { failureOf } from '../gateway/error-map.js';
import { delay } from '../timers.js';

const SETTLE_MS = 30_000;

export function getApp(ctx: CliContext, app: string): Promise<App> {
  return ctx.session().rackAccess.read((c) => c.getApp(app));
}

async function timed<T>(
  ctx: CliContext,
  timeoutMs: number,
  what: string,
  fn: (signal: AbortSignal) => Promise<T>,
) {
  const deadline = AbortSignal.timeout(timeoutMs);
  try {
    return await fn(AbortSignal.any([ctx.io.interrupt, deadline]));
  } catch (err) {
    if (deadline.aborted && !ctx.io.interrupt.aborted)
      throw new CliError(`Timed out waiting for ${what}`, EXIT.timeout);
    throw err;
  }
}

/** Polls until the app is `running` (any release). */
export function waitUntilRunning(ctx: CliContext, app: string, timeoutMs: number): Promise<App> {
  return timed(ctx, timeoutMs, `${app} to be running`, async (signal) => {
    for (;;) {
      const current = await getApp(ctx, app);
      if (current.status === 'running') return current;
      await delay(ctx.io.timings.appPollMs, signal);
    }
  });
}

/** Polls until the app runs `release`; throws exit 1 on rollback, 124 on timeout. */
export function waitForRelease(ctx: CliContext, app: string, release: string, timeoutMs: number) {
  const started = ctx.io.now().getTime();
  let sawUpdating = false;
  return timed(ctx, timeoutMs, `${app} to run ${release}`, async (signal) => {
    for (;;) {
      const current = await getApp(ctx, app);
      if (current.status === 'running' && current.release === release) return current;
      if (current.status === 'updating') sawUpdating = true;
      const settled = sawUpdating || ctx.io.now().getTime() - started >= SETTLE_MS;
      if (current.status === 'rollback' || (current.status === 'running' && settled))
        throw new CliError('Promotion rolled back', EXIT.failed);
      await delay(ctx.io.timings.appPollMs, signal);
    }
  });
}

/** Polls until the app is gone (404). */
export function waitUntilDeleted(ctx: CliContext, app: string, timeoutMs: number): Promise<void> {
  return timed(ctx, timeoutMs, `${app} to be deleted`, async (signal) => {
    for (;;) {
      try {
        await getApp(ctx, app);
      } catch (err) {
        if (failureOf(err)?.status === 404) return;
        throw err;
      }
      await delay(ctx.io.timings.appPollMs, signal);
    }
  });
}
