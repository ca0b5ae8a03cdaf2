// The promote flow of cli.md §6.3: wait for the app to be ready (unless --force), promote, stream
// the rack's `system/` log lines while polling until the app runs the release (exit 1 on rollback,
// 124 on timeout).
import type { CliContext } from '../context.js';
import { delay } from '../timers.js';
import { getApp, waitForRelease } from './app-wait.js';
import { followInBackground } from './background-logs.js';

export interface PromoteOptions {
  readonly force: boolean;
  readonly wait: boolean;
  readonly timeoutMs: number;
}

export const DEFAULT_PROMOTE_TIMEOUT_MS = 35 * 60_000;

async function waitUntilReady(ctx: CliContext, app: string): Promise<void> {
  let current = await getApp(ctx, app);
  if (current.status === 'running') return;
  const spinner = ctx.out.spinner('Waiting for app to be ready');
  try {
    while (current.status !== 'running') {
      await delay(ctx.io.timings.appPollMs, ctx.io.interrupt);
      current = await getApp(ctx, app);
    }
  } finally {
    spinner.stop();
  }
}

/** Prints only rack event lines (`<time> system/… <message>`) of a prefixed log frame. */
export function systemLines(frame: Buffer): string {
  return frame
    .toString('utf8')
    .split('\n')
    .filter((line) => line.split(' ')[1]?.startsWith('system/'))
    .map((line) => `${line}\n`)
    .join('');
}

export async function promote(
  ctx: CliContext,
  app: string,
  release: string,
  options: PromoteOptions,
) {
  const rack = ctx.session().rackAccess;
  if (!options.force) await waitUntilReady(ctx, app);
  await ctx.out.step(`Promoting ${release}`, async () => {
    await rack.write((c) => c.promoteRelease(app, release, { force: options.force }));
    if (!options.wait) return;
    const logs = followInBackground(
      ctx,
      () => rack.read((c) => c.appLogs(app, { prefix: true, since: 5000 })),
      (frame) => {
        const text = systemLines(frame);
        if (text) ctx.out.rawErr(text);
      },
      { reopenAfterEnd: true, reopenAfterError: 0, reopenDelayMs: 1000 },
    );
    try {
      await waitForRelease(ctx, app, release, options.timeoutMs);
    } finally {
      logs.stop();
    }
  });
}
