// One CLI login round trip against a running gateway, as `rack-gateway login --no-browser` makes
// it: start (PKCE, poll mode), the browser's leg (the gateway's authorize redirect, the mock IdP's
// sign-in, the callback, the approval with a TOTP code), then complete, which hands out the
// session. The browser half is the end-to-end suites' client (no shortcut past the IdP or MFA).
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { CliBrowser } from '../../e2e/support/cli-browser.ts';
import { rememberSecret } from '../../e2e/support/mfa.ts';

async function post(url: string, json: unknown): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'user-agent': 'rgw-bench' },
    body: JSON.stringify(json),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: res.status, body };
}

/** Milliseconds for one full login of `email` (whose TOTP secret is `totpSecret`). */
export async function loginRoundTripMs(
  gateway: string,
  email: string,
  totpSecret: string,
): Promise<number> {
  rememberSecret(email, totpSecret);
  const verifier = randomBytes(32).toString('base64url');
  const began = performance.now();
  const start = await post(`${gateway}/api/v1/auth/cli/start`, {
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    device_id: randomUUID(),
    device_name: 'bench',
    device_os: 'linux',
    client_version: '0.1.0',
  });
  const { state, auth_url } = start.body as { state?: string; auth_url?: string };
  if (start.status !== 201 || !state || !auth_url)
    throw new Error(`login start: ${start.status} ${JSON.stringify(start.body)}`);
  await new CliBrowser().approveCliLogin(auth_url, email);
  const done = await post(`${gateway}/api/v1/auth/cli/complete`, {
    state,
    code_verifier: verifier,
  });
  if (done.status !== 200 || typeof (done.body as { token?: unknown }).token !== 'string')
    throw new Error(`login complete: ${done.status} ${JSON.stringify(done.body)}`);
  return performance.now() - began;
}
