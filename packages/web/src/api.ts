// The few gateway calls the sign-in and MFA pages make. Writes carry the CSRF token the gateway
// wrote into index.html (`<meta name="rgw-csrf-token">`), refreshed from /info when missing and
// replaced by the one a response returns after the session rotated (identity.md §9).

export interface Info {
  readonly user: {
    email: string;
    name: string;
    roles: string[];
    mfa_state: string | null;
    mfa_enrolled: boolean;
    mfa_required: boolean;
  };
  readonly csrf_token: string | null;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly reason: string | null = null,
  ) {
    super(message);
  }
}

/** The CSRF token of a rotated session (newer than the one in the page's meta tag). */
let rotatedCsrf: string | null = null;

function metaCsrf(): string | null {
  return (
    rotatedCsrf ??
    document.querySelector('meta[name="rgw-csrf-token"]')?.getAttribute('content') ??
    null
  );
}

async function parse<T>(res: Response): Promise<T> {
  const body = (await res.json().catch(() => ({}))) as {
    error?: string;
    message?: string;
    reason?: string;
    csrf_token?: unknown;
  };
  if (!res.ok)
    throw new ApiError(
      res.status,
      body.error ?? 'error',
      body.message ?? res.statusText,
      body.reason ?? null,
    );
  if (typeof body.csrf_token === 'string') rotatedCsrf = body.csrf_token;
  return body as T;
}

export async function getJson<T>(path: string): Promise<T> {
  return parse<T>(await fetch(path, { credentials: 'same-origin' }));
}

export async function postJson<T>(
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<T> {
  let csrf = metaCsrf();
  if (csrf === null) csrf = (await getJson<Info>('/api/v1/info')).csrf_token;
  const res = await fetch(path, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json', 'x-csrf-token': csrf ?? '', ...headers },
    body: JSON.stringify(body),
  });
  return parse<T>(res);
}

/** Where a signed-in page must send a session that has not finished MFA (web-ui.md §2.3, §4). */
export function mfaGate(info: Info, here: string): string | null {
  const redirect = encodeURIComponent(here);
  if (info.user.mfa_state === 'enrolment_required')
    return `/app/account/security?enrollment=required&redirect=${redirect}`;
  if (info.user.mfa_state === 'challenge_pending') return `/app/auth/mfa?redirect=${redirect}`;
  return null;
}

/** The user-facing text of a refused MFA code (web-ui.md §3 step 5). */
export function codeError(e: unknown): string {
  if (!(e instanceof ApiError)) return 'The request failed.';
  if (e.reason === 'replay') return 'That code was just used. Wait for the next code.';
  if (e.code === 'mfa_too_many_attempts') return 'Too many attempts. Wait a few minutes.';
  if (e.code === 'account_locked') return 'account locked: ask an admin';
  if (e.code === 'mfa_verification_failed' || e.code === 'invalid_code')
    return "That code didn't work. Try again.";
  return e.message;
}

/** The sign-in button's text (web-ui.md §4): it names the provider the gateway wrote into the page. */
export function signInLabel(providerName: string | null | undefined): string {
  const name = providerName?.trim() ?? '';
  return name === '' ? 'Sign in' : `Continue with ${name}`;
}

/** `OIDC_DISPLAY_NAME`, from the `<meta name="rgw-idp-name">` the gateway writes into index.html. */
export function providerName(): string | null {
  return document.querySelector('meta[name="rgw-idp-name"]')?.getAttribute('content') ?? null;
}

/** The SPA applies the gateway's returnTo rules to its own `redirect` parameter. */
export function safeRedirect(raw: string | null): string {
  if (raw === null || raw.length > 2048 || !raw.startsWith('/app/')) return '/app/rack';
  let decoded = raw;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    return '/app/rack';
  }
  const bad = /\/\/|\\|:\/\/|[\s\p{Cc}]/u;
  return bad.test(raw) || bad.test(decoded) ? '/app/rack' : raw;
}

/** Sign out (`POST /api/v1/auth/logout`), then the returned redirect. */
export function signOut(): void {
  postJson<{ redirect: string }>('/api/v1/auth/logout', {})
    .then((r) => window.location.assign(r.redirect))
    .catch(() => window.location.assign('/app/login'));
}
