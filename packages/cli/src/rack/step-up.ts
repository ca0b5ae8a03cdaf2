// Up-front step-up (cli.md §5.7): multi-step mutating commands (deploy, run, env changes with
// --promote, releases promote, scale) verify MFA before they start when the session's step-up
// window ends within 60 s, so that no upload or process is left half done by a prompt.
import type { CliContext } from '../context.js';
import { fetchInfo } from '../gateway/info.js';

const MARGIN_MS = 60_000;

export async function stepUpFirst(ctx: CliContext): Promise<void> {
  const session = ctx.session();
  if (session.credential.kind === 'api_token') return;
  const info = await fetchInfo(session.api).catch(() => undefined);
  const user = info?.user;
  if (!user?.mfa_enrolled) return;
  const until = Date.parse(user.recent_step_up_expires_at ?? '');
  if (!Number.isNaN(until) && until - ctx.io.now().getTime() > MARGIN_MS) return;
  await session.mfa.stepUp();
}
