// The few gateway calls the sign-in pages make. Writes carry the CSRF token the gateway wrote
// into index.html (`<meta name="rgw-csrf-token">`), refreshed from /info when missing.

export interface Info {
  readonly user: { email: string; name: string; roles: string[]; mfa_state: string | null };
  readonly csrf_token: string | null;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function metaCsrf(): string | null {
  return document.querySelector('meta[name="rgw-csrf-token"]')?.getAttribute('content') ?? null;
}

async function parse<T>(res: Response): Promise<T> {
  const body = (await res.json().catch(() => ({}))) as { error?: string; message?: string };
  if (!res.ok)
    throw new ApiError(res.status, body.error ?? 'error', body.message ?? res.statusText);
  return body as T;
}

export async function getJson<T>(path: string): Promise<T> {
  return parse<T>(await fetch(path, { credentials: 'same-origin' }));
}

export async function postJson<T>(path: string, body: unknown): Promise<T> {
  let csrf = metaCsrf();
  if (csrf === null) csrf = (await getJson<Info>('/api/v1/info')).csrf_token;
  const res = await fetch(path, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json', 'x-csrf-token': csrf ?? '' },
    body: JSON.stringify(body),
  });
  return parse<T>(res);
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
