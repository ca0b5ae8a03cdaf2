// The CLI login of cli.md §4.1 / identity.md §4: PKCE, `start`, the confirmation code, then either
// the loopback redirect (one `complete` with the login code) or polling `complete` until the
// browser approves. Stops at the state's expiry (exit 124) or on Ctrl-C (exit 130).
import type { CliContext } from '../context.js';
import { CliError, EXIT } from '../errors.js';
import type { GatewayApi } from '../gateway/gateway-http.js';
import { delay } from '../timers.js';
import { CLI_VERSION } from '../version.js';
import {
  completeLogin,
  type LoginResult,
  loginRefused,
  type StartResponse,
  startLogin,
} from './login-api.js';
import { LoopbackListener } from './loopback-listener.js';
import { confirmationCode, createPkce, type Pkce } from './pkce.js';

export interface LoginParams {
  readonly rack: string;
  readonly url: string;
  readonly deviceId: string;
  readonly deviceName: string;
  readonly poll: boolean;
}

const DEFAULT_LIFETIME_MS = 10 * 60_000;

function deadline(ctx: CliContext, started: StartResponse): AbortSignal {
  const expires = new Date(started.expires_at).getTime();
  const ms = Number.isNaN(expires) ? DEFAULT_LIFETIME_MS : expires - ctx.io.now().getTime();
  return AbortSignal.timeout(Math.max(1000, ms));
}

async function viaLoopback(
  ctx: CliContext,
  api: GatewayApi,
  listener: LoopbackListener,
  started: StartResponse,
  pkce: Pkce,
  signal: AbortSignal,
): Promise<LoginResult> {
  const opened = await ctx.io.openUrl(started.auth_url).catch(() => false);
  if (!opened) ctx.out.note(`Open this URL: ${started.auth_url}`);
  const spinner = ctx.out.spinner('Waiting for browser sign-in…');
  let callback: Awaited<ReturnType<LoopbackListener['wait']>>;
  try {
    callback = await listener.wait(signal);
  } finally {
    spinner.stop();
  }
  await listener.close();
  if ('error' in callback) throw loginRefused(callback.error);
  const body = { state: started.state, code_verifier: pkce.verifier, code: callback.code };
  const result = await completeLogin(api, body, signal);
  if (result === undefined)
    throw new CliError('The gateway did not accept the login code', EXIT.auth);
  return result;
}

async function viaPolling(
  ctx: CliContext,
  api: GatewayApi,
  started: StartResponse,
  pkce: Pkce,
  signal: AbortSignal,
): Promise<LoginResult> {
  ctx.out.note(`Open this URL: ${started.auth_url}`);
  const spinner = ctx.out.spinner('Waiting for browser sign-in…');
  try {
    for (;;) {
      const body = { state: started.state, code_verifier: pkce.verifier };
      const result = await completeLogin(api, body, signal);
      if (result !== undefined) return result;
      await delay(started.poll_interval_seconds * 1000, signal);
    }
  } finally {
    spinner.stop();
  }
}

export async function runLogin(ctx: CliContext, params: LoginParams): Promise<LoginResult> {
  const api = ctx.api(params.url, undefined);
  const pkce = createPkce();
  const listener = params.poll ? undefined : await LoopbackListener.start();
  try {
    const started = await startLogin(api, {
      code_challenge: pkce.challenge,
      code_challenge_method: 'S256',
      ...(listener ? { redirect_uri: listener.redirectUri } : {}),
      device_id: params.deviceId,
      device_name: params.deviceName.slice(0, 100) || 'unknown',
      device_os: `${ctx.io.platform}-${ctx.io.arch}`,
      client_version: CLI_VERSION,
    });
    listener?.expect(started.state, params.url);
    ctx.out.note(`Sign in to ${params.rack} in your browser.`);
    ctx.out.note(`Confirmation code: ${confirmationCode(started.state)}`);
    const expiry = deadline(ctx, started);
    const signal = AbortSignal.any([ctx.io.interrupt, expiry]);
    try {
      return listener
        ? await viaLoopback(ctx, api, listener, started, pkce, signal)
        : await viaPolling(ctx, api, started, pkce, signal);
    } catch (err) {
      if (expiry.aborted && !ctx.io.interrupt.aborted)
        throw new CliError('Login timed out; run the command again', EXIT.timeout);
      throw err;
    }
  } finally {
    await listener?.close();
  }
}
