// Sign-in helpers for browser suites against a demo-mode gateway: a person's path through the
// login page and the mock IdP's account picker (then MFA enrolment or the login challenge, as
// demo mode requires MFA), and a CLI session approved in the browser with a fresh code.
import { createHash, randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import { completeMfaInPage, fillApprovalCode } from './mfa-browser.ts';

/** From /app/login, clicks the sign-in button, picks `email` on the mock IdP and waits for `landing`. */
export async function signInInBrowser(
  page: Page,
  gatewayUrl: string,
  email: string,
  landing = `${gatewayUrl}/app/rack`,
): Promise<void> {
  await page.goto(`${gatewayUrl}/app/login`);
  await page.getByTestId('login-cta').click();
  await page
    .getByRole('button', { name: new RegExp(email.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) })
    .click();
  await completeMfaInPage(page, email);
  await page.waitForURL(landing);
}

/** What the CLI prints: first 8 characters of base32(SHA-256(state)) as XXXX-XXXX. */
export function confirmationCode(state: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const byte of createHash('sha256').update(state).digest())
    bits += byte.toString(2).padStart(8, '0');
  let code = '';
  for (let i = 0; i < 40; i += 5) code += alphabet[Number.parseInt(bits.slice(i, i + 5), 2)];
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

export interface CliStart {
  readonly state: string;
  readonly authUrl: string;
  readonly verifier: string;
}

/** `POST /auth/cli/start` in headless (poll) mode, as `rack-gateway login --no-browser` does. */
export async function startHeadlessCliLogin(
  gatewayUrl: string,
  deviceName = 'e2e-box',
): Promise<CliStart> {
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const res = await fetch(`${gatewayUrl}/api/v1/auth/cli/start`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      code_challenge: challenge,
      code_challenge_method: 'S256',
      device_name: deviceName,
      device_os: 'linux',
      client_version: '0.1.0',
    }),
  });
  if (res.status !== 201) throw new Error(`cli start: ${res.status}`);
  const body = (await res.json()) as { state: string; auth_url: string };
  return { state: body.state, authUrl: body.auth_url, verifier };
}

/** `POST /auth/cli/complete`: the CLI session token once the browser approved. */
export async function completeCliLogin(
  gatewayUrl: string,
  login: CliStart,
): Promise<{ status: number; token: string; email: string }> {
  const res = await fetch(`${gatewayUrl}/api/v1/auth/cli/complete`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ state: login.state, code_verifier: login.verifier }),
  });
  const body = (await res.json()) as { token?: string; email?: string };
  return { status: res.status, token: body.token ?? '', email: body.email ?? '' };
}

/** A CLI session Bearer token for `email`: headless start, IdP sign-in and Approve in `page`. */
export async function cliTokenViaBrowser(
  page: Page,
  gatewayUrl: string,
  email: string,
): Promise<string> {
  const login = await startHeadlessCliLogin(gatewayUrl);
  await page.goto(login.authUrl);
  await page
    .getByRole('button', { name: new RegExp(email.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) })
    .click();
  await completeMfaInPage(page, email);
  await page.waitForURL(/\/app\/cli\/login\?state=/);
  await fillApprovalCode(page, email);
  await page.getByRole('button', { name: 'Approve' }).click();
  await page.waitForURL(`${gatewayUrl}/app/cli/success`);
  const done = await completeCliLogin(gatewayUrl, login);
  if (done.status !== 200) throw new Error(`cli complete: ${done.status}`);
  return done.token;
}
