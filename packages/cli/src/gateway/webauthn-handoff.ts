// WebAuthn from the CLI through the browser hand-off (identity.md §14.5, cli.md §5.4): the gateway
// creates a hand-off page, the user confirms with a security key or passkey there, and the CLI
// polls every second. Step-up routes are then retried as is; `always` routes carry the single-use
// proof in `X-MFA-WebAuthn` (or the `.webauthn.` credential suffix).
import { CliError, EXIT } from '../errors.js';
import { openOrPrint } from '../terminal/browser.js';
import { delay } from '../timers.js';
import { failureOf } from './error-map.js';
import type { MfaDeps } from './mfa.js';

interface HandoffStart {
  readonly handoff_id: string;
  readonly url: string;
}

interface HandoffStatus {
  readonly status?: string;
  readonly proof?: string;
}

async function pollHandoff(deps: MfaDeps, id: string): Promise<string | undefined> {
  for (;;) {
    let state: HandoffStatus;
    try {
      const res = await deps.api.send(
        'GET',
        `/api/v1/auth/mfa/webauthn/handoff/${encodeURIComponent(id)}`,
      );
      state = (res.body ?? {}) as HandoffStatus;
    } catch (err) {
      if (failureOf(err)?.status === 410) throw new CliError('The confirmation expired', EXIT.mfa);
      throw err;
    }
    if (state.status === 'verified') return state.proof;
    if (state.status === 'failed') throw new CliError('WebAuthn verification failed', EXIT.mfa);
    await delay(1000, deps.io.interrupt);
  }
}

/** Runs a hand-off and returns its proof (undefined when the gateway sent none). */
export async function webauthnHandoff(deps: MfaDeps): Promise<string | undefined> {
  const start = (await deps.api.send('POST', '/api/v1/auth/mfa/webauthn/handoff', { json: {} }))
    .body as HandoffStart;
  await openOrPrint(deps.io, deps.out, start.url);
  const spinner = deps.out.spinner('Confirm with your security key or passkey in the browser…');
  try {
    return await pollHandoff(deps, start.handoff_id);
  } finally {
    spinner.stop();
  }
}

/** The `{"handoff_proof"}` JSON in the given base64 alphabet (header: standard; URL: base64url). */
export function proofValue(proof: string, encoding: 'base64' | 'base64url'): string {
  return Buffer.from(JSON.stringify({ handoff_proof: proof })).toString(encoding);
}
