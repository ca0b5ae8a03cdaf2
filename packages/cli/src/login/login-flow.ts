// The CLI login of cli.md §4.1 / identity.md §4: PKCE, `start`, the confirmation code, then either
// the loopback redirect (one `complete` with the login code) or polling `complete` until the
// browser approves. Stops at the state's expiry (exit 124) or on Ctrl-C (exit 130). A wait longer
// than `loginHintMs` says where the login stands (login-progress.ts); the loopback mode then polls
// `complete` too, only to learn the stage.
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
import { LoginProgress, stageOf } from './login-progress.js';
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

interface Wait {
  readonly api: GatewayApi;
  readonly started: StartResponse;
  readonly pkce: Pkce;
  readonly progress: LoginProgress;
  readonly signal: AbortSignal;
}

/** Polls `complete` without a code for the stage alone, from the hint delay on; never resolves. */
async function watchStage(ctx: CliContext, wait: Wait, signal: AbortSignal): Promise<never> {
  await delay(ctx.io.timings.loginHintMs, signal);
  const body = { state: wait.started.state, code_verifier: wait.pkce.verifier };
  for (;;) {
    const answer = await completeLogin(wait.api, body, signal);
    if ('pending' in answer) wait.progress.observe(stageOf(answer.body));
    await delay(wait.started.poll_interval_seconds * 1000, signal);
  }
}

async function viaLoopback(
  ctx: CliContext,
  wait: Wait,
  listener: LoopbackListener,
): Promise<LoginResult> {
  const { api, started, pkce, signal } = wait;
  const watching = new AbortController();
  let callback: Awaited<ReturnType<LoopbackListener['wait']>>;
  try {
    callback = await Promise.race([
      listener.wait(signal),
      watchStage(ctx, wait, AbortSignal.any([signal, watching.signal])),
    ]);
  } finally {
    watching.abort();
  }
  await listener.close();
  if ('error' in callback) throw loginRefused(callback.error);
  const body = { state: started.state, code_verifier: pkce.verifier, code: callback.code };
  const result = await completeLogin(api, body, signal);
  if ('pending' in result)
    throw new CliError('The gateway did not accept the login code', EXIT.auth);
  return result;
}

async function viaPolling(wait: Wait): Promise<LoginResult> {
  const { api, started, pkce, progress, signal } = wait;
  const body = { state: started.state, code_verifier: pkce.verifier };
  for (;;) {
    const answer = await completeLogin(api, body, signal);
    if (!('pending' in answer)) return answer;
    progress.observe(stageOf(answer.body));
    await delay(started.poll_interval_seconds * 1000, signal);
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
    const opened = listener ? await ctx.io.openUrl(started.auth_url).catch(() => false) : false;
    if (!opened) ctx.out.note(`Open this URL: ${started.auth_url}`);
    const expiry = deadline(ctx, started);
    const signal = AbortSignal.any([ctx.io.interrupt, expiry]);
    const spinner = ctx.out.spinner('Waiting for browser sign-in…');
    const progress = new LoginProgress(
      started,
      () => ctx.io.now(),
      ctx.io.timings.loginHintMs,
      (text) => spinner.note(text),
    );
    const wait = { api, started, pkce, progress, signal };
    try {
      return listener ? await viaLoopback(ctx, wait, listener) : await viaPolling(wait);
    } catch (err) {
      if (expiry.aborted && !ctx.io.interrupt.aborted) throw progress.timedOut();
      throw err;
    } finally {
      spinner.stop();
    }
  } finally {
    await listener?.close();
  }
}
