// Where a browser login stands while the CLI waits (cli.md §4.1 step 6, issue 19 finding 6). The
// gateway's pending answer names a stage; after a while without completion the CLI says what it
// waits for and what is likely wrong, and a timeout names it too. The most common cause of a wait
// that never ends is a CLI callback the identity provider does not know: the provider then shows
// its own error page and never sends the browser back, which the gateway sees as a browser that
// went to the provider and stayed there.
import { CliError, EXIT } from '../errors.js';
import type { StartResponse } from './login-api.js';
import { confirmationCode } from './pkce.js';

export type LoginStage = 'waiting_for_browser' | 'at_identity_provider' | 'signed_in' | 'approved';

const STAGES: readonly string[] = [
  'waiting_for_browser',
  'at_identity_provider',
  'signed_in',
  'approved',
] satisfies readonly LoginStage[];

const GUIDE = 'docs/identity-providers.md';

/** The stage of a 202 answer of `complete`; undefined from a gateway that does not send one. */
export function stageOf(body: unknown): LoginStage | undefined {
  const stage = (body as { stage?: unknown } | null)?.stage;
  return typeof stage === 'string' && STAGES.includes(stage) ? (stage as LoginStage) : undefined;
}

/** The CLI callback the gateway registers with the provider: on the origin of `auth_url`. */
export function cliCallbackUrl(started: StartResponse): string {
  return new URL('/api/v1/auth/cli/callback', started.auth_url).href;
}

function stillWaiting(stage: LoginStage, started: StartResponse): string {
  switch (stage) {
    case 'waiting_for_browser':
      return `Still waiting: the sign-in link has not been opened. Open this URL in a browser: ${started.auth_url}`;
    case 'at_identity_provider':
      return [
        'Still waiting for the identity provider to send the browser back to the gateway.',
        'If the browser shows an error about the redirect URI (for example "Unregistered redirect_uri",',
        '"redirect_uri_mismatch", AADSTS50011 or "Invalid parameter: redirect_uri"), the provider does not',
        `know the gateway's CLI callback: an administrator must register ${cliCallbackUrl(started)}`,
        `with the gateway's client at the identity provider (${GUIDE}).`,
      ].join('\n');
    case 'signed_in':
      return `Still waiting for the approval in the browser: check that it shows the confirmation code ${confirmationCode(started.state)} and approve the login.`;
    case 'approved':
      return 'The login was approved, but the browser has not come back to this terminal. If the browser runs on another machine, press Ctrl-C and run the command again with --no-browser.';
  }
}

/** The exit-124 error of a login that ran out of time, naming why as far as the CLI knows. */
function timedOut(stage: LoginStage | undefined, started: StartResponse): CliError {
  const again = 'run the command again';
  const error = (message: string, hint?: string) =>
    new CliError(message, EXIT.timeout, {
      reason: 'login_timeout',
      ...(hint === undefined ? {} : { hint }),
    });
  switch (stage) {
    case 'waiting_for_browser':
      return error(`Login timed out: the sign-in link was never opened; ${again}`);
    case 'at_identity_provider':
      return error(
        'Login timed out: the browser went to the identity provider and never came back to the gateway',
        `If the provider showed an error about the redirect URI, an administrator must register ${cliCallbackUrl(started)} at the identity provider (${GUIDE}); then ${again}`,
      );
    case 'signed_in':
      return error(`Login timed out waiting for the approval in the browser; ${again}`);
    case 'approved':
      return error(
        'Login timed out: the login was approved but the browser never came back to this terminal',
        'Run the command again with --no-browser',
      );
    default:
      return error(`Login timed out; ${again}`);
  }
}

/** The latest stage of one login, and the hint printed once per stage after `hintAfterMs`. */
export class LoginProgress {
  private stage: LoginStage | undefined;
  private hinted: LoginStage | undefined;
  private readonly hintAt: number;

  constructor(
    private readonly started: StartResponse,
    private readonly now: () => Date,
    hintAfterMs: number,
    private readonly print: (text: string) => void,
  ) {
    this.hintAt = now().getTime() + hintAfterMs;
  }

  /** Records the stage of a pending answer; after the hint delay, says what the wait is for. */
  observe(stage: LoginStage | undefined): void {
    if (stage !== undefined) this.stage = stage;
    if (this.stage === undefined || this.stage === this.hinted) return;
    if (this.now().getTime() < this.hintAt) return;
    this.hinted = this.stage;
    this.print(stillWaiting(this.stage, this.started));
  }

  timedOut(): CliError {
    return timedOut(this.stage, this.started);
  }
}
