// The gateway side of the CLI login (identity.md §4 steps 2 and 9): `POST /api/v1/auth/cli/start`
// and `POST /api/v1/auth/cli/complete`, with one sentence per refusal code (cli.md §4.1 step 6).
import { CliError, EXIT } from '../errors.js';
import { ACCOUNT_LOCKED, failureOf } from '../gateway/error-map.js';
import type { GatewayApi } from '../gateway/gateway-http.js';

export interface StartRequest {
  readonly code_challenge: string;
  readonly code_challenge_method: 'S256';
  readonly redirect_uri?: string;
  readonly device_id: string;
  readonly device_name: string;
  readonly device_os: string;
  readonly client_version: string;
}

export interface StartResponse {
  readonly state: string;
  readonly auth_url: string;
  readonly expires_at: string;
  readonly poll_interval_seconds: number;
  readonly mode: string;
}

export interface LoginResult {
  readonly token: string;
  readonly session_id: string;
  readonly email: string;
  readonly name: string;
  readonly roles: string[];
  readonly expires_at: string;
  readonly idle_expires_at?: string;
  readonly idle_timeout_seconds?: number;
  readonly device_id?: string;
}

const REFUSALS: Readonly<Record<string, string>> = {
  invalid_state: 'The login request is unknown or was already used; run the command again',
  expired: 'The login request expired; run the command again',
  login_denied: 'The login was denied in the browser',
  invalid_verifier: 'The login could not be verified (PKCE mismatch); run the command again',
  invalid_code: 'The login code from the browser was not accepted; run the command again',
  idp_error: 'The identity provider reported an error',
  exchange_failed:
    'The identity provider did not accept this sign-in (it may have taken too long); run the command again',
  idp_unavailable: 'The identity provider cannot be reached right now; try again in a moment',
  idp_client_rejected:
    "The identity provider refused the gateway's client credentials; ask an administrator to check OIDC_CLIENT_ID and OIDC_CLIENT_SECRET",
  id_token_invalid:
    "The identity provider's answer failed verification; ask an administrator to check the gateway's log",
  state_expired: 'The login request expired; run the command again',
  email_unverified: 'Your e-mail address is not verified at the identity provider',
  domain_not_allowed: "Your account's domain is not allowed on this gateway",
  identity_mismatch: 'This e-mail address is bound to another identity provider account',
  unknown_user: 'Your account has not been added to this gateway',
  user_locked: ACCOUNT_LOCKED,
  user_suspended: 'Your account is suspended. Contact an administrator.',
};

/** The exit-3 error for a login refusal code (from `complete` or the loopback callback). */
export function loginRefused(code: string, status?: number): CliError {
  const sentence = REFUSALS[code] ?? `The login failed (${code})`;
  return new CliError(sentence, EXIT.auth, { reason: code, ...(status ? { status } : {}) });
}

function asStart(body: unknown): StartResponse {
  const doc = (body ?? {}) as Partial<StartResponse>;
  if (typeof doc.state !== 'string' || typeof doc.auth_url !== 'string')
    throw new CliError('The gateway answered the login start without a state', EXIT.failed);
  return {
    state: doc.state,
    auth_url: doc.auth_url,
    expires_at: typeof doc.expires_at === 'string' ? doc.expires_at : '',
    poll_interval_seconds:
      typeof doc.poll_interval_seconds === 'number' && doc.poll_interval_seconds > 0
        ? doc.poll_interval_seconds
        : 1,
    mode: typeof doc.mode === 'string' ? doc.mode : '',
  };
}

export async function startLogin(api: GatewayApi, request: StartRequest): Promise<StartResponse> {
  return asStart((await api.send('POST', '/api/v1/auth/cli/start', { json: request })).body);
}

/** A 202 of `complete`: the login is not finished; `body` names its stage. */
export interface LoginPending {
  readonly pending: true;
  readonly body: unknown;
}

/** One `complete` call: the session, or the pending answer (202). */
export async function completeLogin(
  api: GatewayApi,
  body: { state: string; code_verifier: string; code?: string },
  signal: AbortSignal,
): Promise<LoginResult | LoginPending> {
  try {
    const res = await api.send('POST', '/api/v1/auth/cli/complete', { json: body, signal });
    return res.status === 202 ? { pending: true, body: res.body } : (res.body as LoginResult);
  } catch (err) {
    const f = failureOf(err);
    if (f?.status === 400 && f.code) throw loginRefused(f.code, 400);
    throw err;
  }
}
