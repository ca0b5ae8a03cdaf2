// A running gateway with the REAL MFA service (no stand-in) next to the mock IdP, MFA required for
// everyone (the production default), plus the helpers MFA tests share: sign in through the IdP,
// call the API as that browser (CSRF + Origin), enrol TOTP with a code computed from the secret
// the gateway returned, and compute codes at the gateway's (test) clock.
import { Secret, TOTP } from 'otpauth';
import { type IdentityHarness, startIdentityHarness } from '../support/identity-harness.js';
import { signInWeb } from '../support/sign-in.js';
import { type BrowserResponse, TestBrowser } from '../support/test-browser.js';

export type MfaHarness = IdentityHarness;

/** The identity harness with the real MFA service and MFA required for everyone (the default). */
export const startMfaHarness = (
  settingsEnv: Record<string, string> = {},
  env: Record<string, string> = {},
): Promise<MfaHarness> =>
  startIdentityHarness({
    mfa: 'real',
    env,
    settingsEnv: { RGW_SETTING_MFA_REQUIRE_ALL_USERS: 'true', ...settingsEnv },
  });

/** The TOTP code of `secret` at `at` (+ `steps` × 30 s), as an authenticator app shows it. */
export function totpCode(secret: string, at: Date, steps = 0): string {
  return TOTP.generate({
    secret: Secret.fromBase32(secret),
    timestamp: at.getTime() + steps * 30_000,
  });
}

export interface Person {
  readonly email: string;
  readonly browser: TestBrowser;
  /** Where the gateway sent the browser after the IdP (enrolment, challenge, or returnTo). */
  readonly landing: string;
  csrf: string;
  secret: string;
  backupCodes: string[];
}

export const sessionToken = (h: MfaHarness, p: Person): string =>
  p.browser.jar.get(new URL(h.url).hostname, 'rgw_session') ?? '';

/** A browser sign-in through the mock IdP; stops at the gateway's first /app/ redirect. */
export async function signIn(
  h: MfaHarness,
  email: string,
  browser = new TestBrowser(),
): Promise<Person> {
  const web = await signInWeb(h.url, email, { browser });
  const final = web.history[web.history.length - 1];
  return {
    email,
    browser,
    landing: final?.location ?? '',
    csrf: web.csrf,
    secret: '',
    backupCodes: [],
  };
}

export interface Call {
  readonly status: number;
  readonly body: Record<string, unknown>;
  readonly headers: Headers;
  readonly raw: BrowserResponse;
}

/** A same-origin API call from `p`'s browser (CSRF token and Origin on writes). */
export async function call(
  h: MfaHarness,
  p: Person,
  method: string,
  path: string,
  options: { json?: unknown; headers?: Record<string, string> } = {},
): Promise<Call> {
  const write = method !== 'GET';
  const raw = await p.browser.request(`${h.url}/api/v1${path}`, {
    method,
    ...(options.json !== undefined ? { json: options.json } : {}),
    headers: {
      ...(write ? { 'x-csrf-token': p.csrf, origin: h.url } : {}),
      ...options.headers,
    },
  });
  const body = raw.body === '' ? {} : (JSON.parse(raw.body) as Record<string, unknown>);
  if (typeof body.csrf_token === 'string') p.csrf = body.csrf_token;
  return { status: raw.status, body, headers: raw.headers, raw };
}

/** Starts and confirms a TOTP enrolment with a code computed from the returned secret. */
export async function enrolTotp(h: MfaHarness, p: Person): Promise<Call> {
  const started = await call(h, p, 'POST', '/auth/mfa/enroll/totp/start', { json: {} });
  if (started.status !== 200) throw new Error(`enrol start: ${started.status} ${started.raw.body}`);
  p.secret = String(started.body.secret);
  const confirmed = await call(h, p, 'POST', '/auth/mfa/enroll/totp/confirm', {
    json: { method_id: started.body.method_id, code: totpCode(p.secret, h.clock.now()) },
  });
  if (confirmed.status !== 200)
    throw new Error(`enrol confirm: ${confirmed.status} ${confirmed.raw.body}`);
  p.backupCodes = (confirmed.body.backup_codes as string[] | null) ?? p.backupCodes;
  return confirmed;
}

/** The next 30 s step on the gateway's clock, so that a new code is not a replay. */
export const nextStep = (h: MfaHarness): void => h.clock.advance(30_000);

/** A fresh code for `p` at the gateway's clock (advances one step first). */
export function freshCode(h: MfaHarness, p: Person): string {
  nextStep(h);
  return totpCode(p.secret, h.clock.now());
}

/** Signs `email` in and enrols TOTP; returns the verified person. */
export async function enrolledPerson(h: MfaHarness, email: string): Promise<Person> {
  const p = await signIn(h, email);
  await enrolTotp(h, p);
  return p;
}
