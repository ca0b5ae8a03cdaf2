// Following a build (cli.md §6.1 step 5): the build log socket is printed raw (reopened once if it
// drops) while `GET …/builds/{id}` is polled every second until `complete`; `failed` ends the
// command with `Build failed: <reason>`.
import type { Build } from '@rack-gateway/convox';
import type { CliContext } from '../context.js';
import { CliError, EXIT } from '../errors.js';
import { followInBackground } from '../rack/background-logs.js';
import { delay, settleWithin } from '../timers.js';

const LOG_DRAIN_MS = 5000;

export async function followBuild(
  ctx: CliContext,
  app: string,
  id: string,
  print: (frame: Buffer) => void,
  timeoutMs: number,
): Promise<Build> {
  const rack = ctx.session().rackAccess;
  const logs = followInBackground(ctx, () => rack.read((c) => c.buildLogs(app, id)), print, {
    reopenAfterEnd: false,
    reopenAfterError: 1,
    reopenDelayMs: 1000,
  });
  const deadline = AbortSignal.any([ctx.io.interrupt, AbortSignal.timeout(timeoutMs)]);
  try {
    for (;;) {
      const build = await rack.read((c) => c.getBuild(app, id));
      if (build.status === 'complete' || build.status === 'failed') {
        await settleWithin(logs.finished, LOG_DRAIN_MS);
        if (build.status === 'complete') return build;
        throw new CliError(`Build failed: ${build.reason || 'see the build log'}`, EXIT.failed);
      }
      await delay(ctx.io.timings.pollMs, deadline).catch((err: unknown) => {
        if (ctx.io.interrupt.aborted) throw err;
        throw new CliError(`Timed out waiting for build ${id}`, EXIT.timeout);
      });
    }
  } finally {
    logs.stop();
  }
}
